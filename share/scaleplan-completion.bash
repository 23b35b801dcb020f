# bash completion for scaleplan (installed by `cmake --install` to
# share/bash-completion/completions/scaleplan).
_scaleplan() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
  }
  local commands="plan predict gpus laws fit check frontier isoflop"
  local global="--format --gpus --log-level -q --quiet --version --help"
  case "$prev" in
    --format) COMPREPLY=($(compgen -W "table json yaml csv github" -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
    --law) COMPREPLY=($(compgen -W "besiroglu2024 deepseek2024 gadre2024_c4 gadre2024_redpajama gadre2024_refinedweb hoffmann2022 kaplan2020 muennighoff2023 nezhurina2025_clip nezhurina2025_mammut porian2024 yao2024_decoder_params yao2024_encoder_params yao2024_encoder_tokens" -- "$cur") \
                      $(compgen -f -X '!*.y*ml' -- "$cur")); return ;;
    --form) COMPREPLY=($(compgen -W "chinchilla kaplan equal-exponent gadre2024 compute muennighoff2023" -- "$cur")); return ;;
    --gpus|--budget|-o|--output|--residuals|--plot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local cmd="" w
  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in plan|predict|gpus|laws|fit|check|frontier|isoflop) cmd=$w; break ;; esac
  done
  local opts
  case "$cmd" in
    "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return ;;
    plan) opts="--law" ;;
    predict) opts="--law --params --tokens --flops --unique-tokens --gpu-hours --params-encoder --params-decoder" ;;
    fit) opts="-o --output --form --loss-column --bootstrap --seed --final-only --exclude --holdout --group --joint --joint-params --all-starts --residuals --name" ;;
    check) opts="--budget --strict --max-regret --max-batch-over-critical --max-epochs" ;;
    frontier) opts="--usd --gpu-hours --flops --points --plot" ;;
    isoflop) opts="--law --flops --points --range --plot" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _scaleplan scaleplan
