# bash completion for scaleplan (installed by `cmake --install` to
# share/bash-completion/completions/scaleplan).
_scaleplan() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
  }
  local commands="init examples plan predict gpus laws fit check frontier isoflop schema"
  local global="--format --gpus --log-level -q --quiet --version --help"
  case "$prev" in
    --format) COMPREPLY=($(compgen -W "table json yaml csv github" -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
    --law) COMPREPLY=($(compgen -W "hoffmann2022 besiroglu2024 kaplan2020" -- "$cur") \
                      $(compgen -f -X '!*.y*ml' -- "$cur")); return ;;
    --form) COMPREPLY=($(compgen -W "chinchilla kaplan" -- "$cur")); return ;;
    --gpus|--budget|-o|--output|--residuals|--plot) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local cmd="" w
  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in init|examples|plan|predict|gpus|laws|fit|check|frontier|isoflop|schema) cmd=$w; break ;; esac
  done
  local opts
  case "$cmd" in
    "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return ;;
    plan) opts="--law" ;;
    predict) opts="--law --params --tokens" ;;
    fit) opts="-o --output --form --bootstrap --seed --final-only --exclude --holdout --residuals --name" ;;
    check) opts="--budget --strict --max-regret --max-batch-over-critical --max-epochs" ;;
    frontier) opts="--usd --gpu-hours --flops --points --plot" ;;
    isoflop) opts="--law --flops --points --range --plot" ;;
    schema) COMPREPLY=($(compgen -W "budget run law gpus" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _scaleplan scaleplan
