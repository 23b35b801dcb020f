# bash completion for scaleplan (installed by `cmake --install` to
# share/bash-completion/completions/scaleplan). Paths complete like ls's (folders descend);
# where a budget or run file is read, the built-in example:NAME files complete too.
_scaleplan_examples() {
  scaleplan examples 2>/dev/null | while read -r name _; do printf '%s\n' "$name"; done
}

_scaleplan() {
  # The word being completed, colons included (COMP_WORDS splits example:NAME at the colon).
  local before=${COMP_LINE:0:COMP_POINT}
  local cur=${before##*[[:space:]]}
  local -a words
  read -ra words <<<"${before:0:${#before}-${#cur}}"
  local prev=${words[${#words[@]}-1]}
  local commands="init examples plan whatif compare predict gpus laws fit check frontier isoflop schema"
  local global="--format --gpus --log-level -q --quiet --version --help"
  local -a reply=()
  local files=""  # "all", "yaml" or "csv": complete paths too
  case "$prev" in
    --format) reply=($(compgen -W "table json yaml csv github" -- "$cur")) ;;
    --log-level) reply=($(compgen -W "trace debug info warn error off" -- "$cur")) ;;
    --law) reply=($(compgen -W "besiroglu2024 deepseek2024 gadre2024_c4 gadre2024_redpajama gadre2024_refinedweb hoffmann2022 kaplan2020 ludziejewski2025 muennighoff2023 nezhurina2025_clip nezhurina2025_mammut porian2024 yao2024_decoder_params yao2024_encoder_params yao2024_encoder_tokens" -- "$cur")); files=yaml ;;
    --form) reply=($(compgen -W "chinchilla kaplan equal-exponent gadre2024 compute muennighoff2023" -- "$cur")) ;;
    --gpu) reply=($(compgen -W "$(scaleplan gpus --format json 2>/dev/null |
                                  sed -n 's/^    "name": "\(.*\)",$/\1/p')" -- "$cur")) ;;
    --budget) reply=($(compgen -W "$(_scaleplan_examples)" -- "$cur")); files=yaml ;;
    --gpus|-o|--output|--residuals|--plot|--run-file) files=all ;;
    --usd|--gpu-hours|--flops|--points|--range|--params|--tokens|--seed|--bootstrap|--name|\
    --exclude|--holdout|--max-regret|--max-batch-over-critical|--warn-batch-loss|\
    --max-batch-loss|--unique-tokens|\
    --params-encoder|--params-decoder|--loss-column|--group|--joint|--joint-params) return ;;
    *)
      local cmd="" w
      for w in "${words[@]:1}"; do
        case "$w" in
          init|examples|plan|whatif|compare|predict|gpus|laws|fit|check|frontier|isoflop|schema) cmd=$w; break ;;
        esac
      done
      local opts=""
      case "$cmd" in
        "") opts="$commands" ;;
        init) opts="--gpu --usd --gpu-hours --flops -o --output" ;;
        examples) opts="$(_scaleplan_examples | sed 's/^example://')" ;;
        plan) opts="--law --run-file $(_scaleplan_examples)"; files=yaml ;;
        whatif) opts="--usd --gpu-hours --flops --deadline-hours --gpus --unique-tokens --gpu $(_scaleplan_examples)"; files=yaml ;;
        compare) opts="--gpu --all --law $(_scaleplan_examples)"; files=yaml ;;
        predict) opts="--law --params --tokens --flops --unique-tokens --gpu-hours --params-encoder --params-decoder" ;;
        fit) opts="-o --output --form --loss-column --bootstrap --seed --final-only --exclude --holdout --group --joint --joint-params --all-starts --residuals --name"
             files=csv ;;
        check) opts="--budget --strict --max-regret --max-batch-over-critical --warn-batch-loss \
                     --max-batch-loss \
                     $(_scaleplan_examples)"; files=yaml ;;
        frontier) opts="--usd --gpu-hours --flops --points --plot $(_scaleplan_examples)"; files=yaml ;;
        isoflop) opts="--law --flops --points --range --plot" ;;
        schema) opts="budget run law gpus" ;;
      esac
      if [[ "$cur" == -* ]]; then
        reply=($(compgen -W "$opts $global" -- "$cur")); files=""
      else
        reply=($(compgen -W "$opts" -- "$cur"))
      fi
      ;;
  esac
  if [ -n "$files" ] && [[ "$cur" != example:* ]]; then
    # Folders always (so completion descends into them), files of the kind asked for.
    local pattern='*'
    case "$files" in yaml) pattern='*.@(yaml|yml)' ;; csv) pattern='*.csv' ;; esac
    local f
    while IFS= read -r f; do
      [ -n "$f" ] || continue
      if [ -d "$f" ]; then
        reply+=("$f/")
      else
        # shellcheck disable=SC2053
        [[ "${f##*/}" == $pattern ]] && reply+=("$f")
      fi
    done < <(compgen -f -- "$cur")
    compopt -o nospace -o filenames 2>/dev/null
    # A lone file gets its trailing space back; a folder keeps the cursor inside it.
    if [ ${#reply[@]} -eq 1 ] && [[ "${reply[0]}" != */ ]]; then compopt +o nospace 2>/dev/null; fi
  fi
  # Readline replaces only the text after the last colon of example:NAME.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local colon_prefix=${cur%"${cur##*:}"}
    reply=("${reply[@]#"$colon_prefix"}")
  fi
  COMPREPLY=("${reply[@]}")
}
complete -F _scaleplan scaleplan
