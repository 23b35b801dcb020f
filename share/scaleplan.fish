# fish completion for scaleplan (installed by `cmake --install` to
# share/fish/vendor_completions.d). Paths complete as usual (folders descend); where a budget or
# run file is read, the built-in example:NAME files complete too.

set -l commands init examples plan whatif compare predict gpus laws fit check frontier isoflop schema
function __scaleplan_examples
    scaleplan examples 2>/dev/null | string replace -r '\s.*' ''
end
function __scaleplan_gpus
    scaleplan gpus --format json 2>/dev/null | string match -r -g '^    "name": "(.*)",$'
end

complete -c scaleplan -f
# Global options.
complete -c scaleplan -l format -x -a 'table json yaml csv github' -d 'Output format'
complete -c scaleplan -l gpus -r -F -d 'GPU table replacing the built-in one'
complete -c scaleplan -l log-level -x -a 'trace debug info warn error off' -d 'Log level on stderr'
complete -c scaleplan -s q -l quiet -d 'Print nothing but results'
complete -c scaleplan -l version -d 'Print the version and commit'
complete -c scaleplan -s h -l help -d 'Print help'
# Commands.
set -l none "not __fish_seen_subcommand_from $commands"
complete -c scaleplan -n $none -a init -d 'Write a commented starter budget'
complete -c scaleplan -n $none -a examples -d 'List the built-in example files, or print one'
complete -c scaleplan -n $none -a plan -d 'Recommend the training run with the lowest loss'
complete -c scaleplan -n $none -a whatif -d 'The plan beside the plan of each change'
complete -c scaleplan -n $none -a compare -d 'The best run on each GPU type, side by side'
complete -c scaleplan -n $none -a predict -d 'Predicted loss of N params on D tokens'
complete -c scaleplan -n $none -a gpus -d 'List the GPU table'
complete -c scaleplan -n $none -a laws -d 'List the scaling-law presets'
complete -c scaleplan -n $none -a fit -d 'Fit a scaling law to your own runs'
complete -c scaleplan -n $none -a check -d 'Judge a proposed run'
complete -c scaleplan -n $none -a frontier -d 'The best run at each budget over a range'
complete -c scaleplan -n $none -a isoflop -d 'Loss against model size at fixed compute'
complete -c scaleplan -n $none -a schema -d 'Print the JSON Schema of a file kind'
# Files read as budgets or runs: paths, and the built-in examples.
complete -c scaleplan -n '__fish_seen_subcommand_from plan whatif compare check frontier' -F \
    -a '(__scaleplan_examples)'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -F
complete -c scaleplan -n '__fish_seen_subcommand_from examples' -x \
    -a '(__scaleplan_examples | string replace example: "")'
complete -c scaleplan -n '__fish_seen_subcommand_from schema' -x -a 'budget run law gpus'
# Options of each command.
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l usd -x -d 'Change budget.usd: xF, +A, -A or =V'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l gpu-hours -x -d 'Change budget.gpu_hours'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l flops -x -d 'Change budget.flops'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l deadline-hours -x -d 'Change budget.deadline_hours'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l gpus -x -d 'Change hardware.count or max_count'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l unique-tokens -x -d 'Change data.unique_tokens'
complete -c scaleplan -n '__fish_seen_subcommand_from whatif' -l gpu -x -a '(__scaleplan_gpus)' -d 'Another GPU type'
complete -c scaleplan -n '__fish_seen_subcommand_from compare' -l gpu -x -a '(__scaleplan_gpus)' -d 'A GPU type to compare (repeat it)'
complete -c scaleplan -n '__fish_seen_subcommand_from compare' -l all -d 'Compare every GPU of the table'
complete -c scaleplan -n '__fish_seen_subcommand_from init' -l gpu -x -a '(__scaleplan_gpus)' -d 'GPU'
complete -c scaleplan -n '__fish_seen_subcommand_from init frontier' -l usd -x -d 'Budget in USD'
complete -c scaleplan -n '__fish_seen_subcommand_from init frontier' -l gpu-hours -x -d 'Budget in GPU-hours'
complete -c scaleplan -n '__fish_seen_subcommand_from init frontier isoflop predict' -l flops -x -d 'Budget in FLOPs'
complete -c scaleplan -n '__fish_seen_subcommand_from init fit' -s o -l output -r -F -d 'Write here'
complete -c scaleplan -n '__fish_seen_subcommand_from plan' -l run-file -r -F -d 'Also write the run as a run file for check'
complete -c scaleplan -n '__fish_seen_subcommand_from plan compare predict isoflop' -l law -r -F \
    -a 'besiroglu2024 deepseek2024 gadre2024_c4 gadre2024_redpajama gadre2024_refinedweb hoffmann2022 kaplan2020 ludziejewski2025 muennighoff2023 nezhurina2025_clip nezhurina2025_mammut porian2024 yao2024_decoder_params yao2024_encoder_params yao2024_encoder_tokens' -d 'Law preset or law file'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l params -x -d 'Model parameters N'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l tokens -x -d 'Training tokens D'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l unique-tokens -x -d 'Unique tokens of repeated data'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l gpu-hours -x -d 'RL compute in GPU-hours'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l params-encoder -x -d 'Encoder parameters'
complete -c scaleplan -n '__fish_seen_subcommand_from predict' -l params-decoder -x -d 'Decoder parameters'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l form -x -a 'chinchilla kaplan equal-exponent gadre2024 compute muennighoff2023'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l bootstrap -x -d 'Resamples (0: off)'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l seed -x -d 'Bootstrap seed'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l final-only -d 'Last checkpoint of each run'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l exclude -x -d 'Drop rows: COLUMN OP NUMBER'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l holdout -x -d 'Hold rows out: COLUMN OP NUMBER'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l residuals -r -F -d 'Residuals CSV'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l name -x -d 'Name in the law file'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l loss-column -x -d 'The column holding the loss'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l group -x -d 'Keep rows: COLUMN=VALUE'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l joint -x -d 'One E per value of this column'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l joint-params -x -d 'What varies per group: E, A, B'
complete -c scaleplan -n '__fish_seen_subcommand_from fit' -l all-starts -d 'Every start on every row'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l budget -r -F \
    -a '(__scaleplan_examples)' -d 'Budget the run must meet'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l strict -d 'Warnings fail too'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l max-regret -x -d 'Fail above: 5% or a fraction'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l max-batch-over-critical -x -d 'Fail above this factor'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l warn-batch-loss -x -d 'Warn above this share of the loss'
complete -c scaleplan -n '__fish_seen_subcommand_from check' -l max-batch-loss -x -d 'Fail above this share of the loss'
complete -c scaleplan -n '__fish_seen_subcommand_from frontier isoflop' -l points -x -d 'Points'
complete -c scaleplan -n '__fish_seen_subcommand_from frontier isoflop' -l plot -r -F -d 'FILE.svg or FILE.png'
complete -c scaleplan -n '__fish_seen_subcommand_from isoflop' -l range -x -d 'Curve span factor'
