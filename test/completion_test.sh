#!/usr/bin/env bash
# The shell completions in share/, each driven by its own shell:
#   completion_test.sh bash|zsh|fish SCALEPLAN SOURCE_DIR
# Every command and option in `scaleplan --help` must be in the completion file; then, in a
# folder holding budgets/q3/b.yaml and runs.csv, the shell completes commands, options, option
# values, paths (descending into folders) and example:NAME. bash: the completion function is
# called as readline calls it; fish: `complete -C`; zsh: an interactive zsh in tmux, Tab typed.
# Exits 77 (CTest: skipped) when the shell (or, for zsh, tmux) is not installed.
set -u
shell=$1 bin=$2 root=$3
case "$shell" in
  bash) file=$root/share/scaleplan-completion.bash ;;
  zsh) file=$root/share/_scaleplan ;;
  fish) file=$root/share/scaleplan.fish ;;
esac
for tool in "$shell" $([ "$shell" = zsh ] && echo tmux); do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
if [ "$shell" = zsh ] && ! script -qec true /dev/null >/dev/null 2>&1; then
  echo "skipped: no pseudo-terminal here for tmux (is /dev/pts mounted?)"; exit 77
fi
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Nothing in --help is missing from the completion file.
bash "$(dirname "$0")/covers_help.sh" "$bin" "$file" >/dev/null || {
  bash "$(dirname "$0")/covers_help.sh" "$bin" "$file"; failures=$((failures + 1)); }

# 2. Completing, in a folder with a budget two levels down.
dir=$(mktemp -d)
trap 'rm -rf "$dir"; [ -n "${tmux_socket:-}" ] && tmux -L "$tmux_socket" kill-server 2>/dev/null' EXIT
mkdir -p "$dir/budgets/q3" "$dir/bin"
touch "$dir/budgets/q3/b.yaml" "$dir/runs.csv" "$dir/notes.txt"
ln -s "$bin" "$dir/bin/scaleplan"
cd "$dir" || exit 2
export PATH="$dir/bin:$PATH"

# expect LINE WANTED...: completing LINE offers each WANTED (bash, fish: the candidates; zsh:
# the line after Tab, typed once per extra WANTED).
case "$shell" in
  bash)
    # shellcheck source=/dev/null
    source "$file"
    expect() {
      local line=$1; shift
      COMP_LINE=$line COMP_POINT=${#line} COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
      read -ra COMP_WORDS <<<"$line"
      [[ "$line" == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      COMPREPLY=()
      _scaleplan 2>/dev/null
      local w
      for w in "$@"; do
        printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$w" ||
          fail "bash: '$line' does not offer '$w' (offers: ${COMPREPLY[*]:0:8})"
      done
    }
    ;;
  fish)
    expect() {
      local line=$1; shift
      local got
      got=$(fish --no-config -c "source '$file'; complete -C '$line'" | cut -f1)
      local w
      for w in "$@"; do
        grep -qxF -- "$w" <<<"$got" || fail "fish: '$line' does not offer '$w' (offers: $(head -8 <<<"$got" | tr '\n' ' '))"
      done
    }
    ;;
  zsh)
    tmux_socket=scaleplan-completion-$$
    mkdir -p "$dir/fpath"
    cp "$file" "$dir/fpath/_scaleplan"
    tmux -L "$tmux_socket" new-session -d -x 200 -y 50 \
      "env -i PATH='$PATH' HOME='$dir' TERM=xterm zsh -f -i"
    screen() { tmux -L "$tmux_socket" capture-pane -p -J | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -1; }
    wait_for() {  # wait_for TEXT: until the last line of the screen ends with TEXT (5 s)
      local i
      for i in $(seq 50); do
        [[ "$(screen)" == *"$1" ]] && return 0
        sleep 0.1
      done
      return 1
    }
    tmux -L "$tmux_socket" send-keys "fpath=('$dir/fpath' \$fpath); autoload -Uz compinit; compinit -u -D; PS1='READY%% '" Enter
    wait_for "READY%" || fail "zsh did not start"
    expect() {
      local line=$1; shift
      tmux -L "$tmux_socket" send-keys "$line" Tab
      local w
      for w in "$@"; do
        wait_for "$w" || { fail "zsh: '$line' + Tab gives '$(screen)', not ...'$w'"; break; }
        tmux -L "$tmux_socket" send-keys Tab
      done
      tmux -L "$tmux_socket" send-keys C-u
      wait_for "READY%" || true
    }
    ;;
esac

if [ "$shell" = zsh ]; then
  expect "scaleplan pl" "scaleplan plan"
  expect "scaleplan plan bu" "plan budgets/" "plan budgets/q3/" "plan budgets/q3/b.yaml"
  expect "scaleplan plan example:h100_2" "example:h100_2m_usd"
  expect "scaleplan --format j" "--format json"
  expect "scaleplan schema b" "schema budget"
  expect "scaleplan init --gpu A100-8" "--gpu A100-80GB"
  expect "scaleplan fit ru" "fit runs.csv"
else
  # bash offers what follows the last colon (COMP_WORDBREAKS has ':'), fish the whole word.
  example=example:h100_2m_usd
  [ "$shell" = bash ] && example=h100_2m_usd
  expect "scaleplan pl" plan
  expect "scaleplan " init examples plan check schema
  expect "scaleplan plan bu" budgets/
  expect "scaleplan plan budgets/" budgets/q3/
  expect "scaleplan plan budgets/q3/" budgets/q3/b.yaml
  expect "scaleplan plan example:h100_2" "$example"
  expect "scaleplan check --budget example:h" "$example"
  expect "scaleplan --format j" json
  expect "scaleplan schema " budget run law gpus
  expect "scaleplan init --gpu A100-8" A100-80GB
  expect "scaleplan fit ru" runs.csv
  expect "scaleplan check --max-r" --max-regret
  expect "scaleplan examples h100_" h100_2m_usd h100_run
fi
echo "$shell completion: $failures failed"
[ "$failures" -eq 0 ]
