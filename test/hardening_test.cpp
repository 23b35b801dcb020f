// Hostile and odd input (issue 11): every case runs the real binary and asserts its exit code and
// the whole of stderr. One table per class of the issue; file safety, plots and the internal-
// error catch-all have cases of their own below.

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "cli_runner.hpp"
#include "scaleplan/model/spot.hpp"
#include "scaleplan/text.hpp"

using scaleplan::test::run_scaleplan;
using namespace std::string_literals;

namespace {

struct Case {
  const char* name;
  std::string args;                          // after the binary, run by /bin/sh
  std::map<std::string, std::string> files;  // written into the case's folder first
  int rc;
  std::string err;  // the whole of stderr, without the trailing newline
};

void run_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.name << ": scaleplan " << c.args);
    const auto r = run_scaleplan(c.args, c.files);
    CHECK(r.rc == c.rc);
    CHECK(r.err == c.err + "\n");
    if (c.rc == 2 || c.rc == 3) CHECK(r.out.empty());
  }
}

const std::string kBudget =
    "budget: {usd: 1e6, deadline_hours: 720}\nhardware: {gpu: H100, count: 8}\n";

// Twelve runs drawn from hoffmann2022 with +-0.4% noise: enough to fit.
const std::string kRuns =
    "params,tokens,loss\n"
    "1e+08,2e+09,3.4950\n1e+08,1e+10,3.1276\n1e+08,5e+10,2.8888\n3e+08,2e+09,3.2480\n"
    "3e+08,1e+10,2.8690\n3e+08,5e+10,2.6281\n1e+09,2e+09,3.0538\n1e+09,1e+10,2.6893\n"
    "1e+09,5e+10,2.4604\n3e+09,2e+09,2.9643\n3e+09,1e+10,2.5949\n3e+09,5e+10,2.3553\n";

std::string gpu_table(const std::string& name, const std::string& extra) {
  return "gpus:\n  - name: " + name +
         "\n    memory_gb: 80\n    mem_bw_tbps: 3\n    tflops: {bf16: 500}\n"
         "    price_usd_per_gpu_hour: {on_demand: 2}\n    nvlink_gbps: 450\n    scale_out_gbps: 50\n" +
         extra;
}

}  // namespace

TEST_CASE("hardening 1: bytes that are not UTF-8 are bad input, never a JSON crash",
          "[cli][hardening]") {
  run_cases({
      {"GPU name",
       "--gpus g.yaml gpus --format json",
       {{"g.yaml", gpu_table("\"A\xff\"", "")}},
       2,
       "scaleplan: g.yaml:2:13: invalid YAML: byte \\xff is not UTF-8 (YAML files are UTF-8 text)"},
      {"GPU vendor in a plan",
       "--gpus g.yaml plan b.yaml --format json",
       {{"g.yaml", gpu_table("H100", "    vendor: N\xc3\x28\n")}, {"b.yaml", kBudget}},
       2,
       "scaleplan: g.yaml:9:14: invalid YAML: byte \\xc3 is not UTF-8 (YAML files are UTF-8 text)"},
      {"law name",
       "predict --law law.yaml --params 1e9 --tokens 1e10 --format json",
       {{"law.yaml",
         "name: caf\xe9\nform: chinchilla\nparams: {E: 1.7, A: 400, B: 410, alpha: 0.34, "
         "beta: 0.28}\n"}},
       2,
       "scaleplan: law.yaml:1:10: invalid YAML: byte \\xe9 is not UTF-8 (YAML files are UTF-8 "
       "text)"},
      {"a GPU table without gpus: (an internal error, exit 70, before)",
       "--gpus g.yaml gpus",
       {{"g.yaml", "source: x\n"}},
       2,
       "scaleplan: g.yaml:1:1: gpus: expected a non-empty list of GPUs"},
      {"a NUL byte",
       "plan b.yaml",
       {{"b.yaml", "budget: {usd: 1e6}\0\nhardware: {}\n"s}},
       2,
       "scaleplan: b.yaml:1:19: invalid YAML: control character \\0 (YAML files are text)"},
      {"an escape character",
       "plan b.yaml",
       {{"b.yaml", "budget: {usd: \x1b[31m1e6}\n"}},
       2,
       "scaleplan: b.yaml:1:15: invalid YAML: control character \\x1b (YAML files are text)"},
  });
}

TEST_CASE("hardening 1: a file name that is not UTF-8 reaches JSON as U+FFFD", "[cli][hardening]") {
  const auto r = run_scaleplan("-q fit \"$(printf 'r\\377.csv')\" --bootstrap 0 --format json", {});
  CHECK(r.rc == 2);  // no such file: the name in the message is escaped
  CHECK(r.err == "scaleplan: r\\xff.csv: cannot read: No such file or directory\n");
  const auto fit = run_scaleplan(
      "-q --version >/dev/null; cp runs.csv \"$(printf 'r\\377.csv')\" && '" SCALEPLAN_BINARY
      "' -q fit \"$(printf 'r\\377.csv')\" --bootstrap 0 --format json",
      {{"runs.csv", kRuns}});
  CHECK(fit.rc == 0);
  CHECK(fit.out.find("\"input\": \"r\xEF\xBF\xBD.csv\"") != std::string::npos);
}

TEST_CASE("hardening 2: a spot interruption count above INT_MAX is not a negative p90",
          "[cli][hardening][spot]") {
  CHECK(scaleplan::poisson_quantile(1e12, 0.9) > static_cast<double>(INT_MAX));
  run_cases({
      {"1e6 interruptions per instance-hour on 100,000 GPUs",
       "plan b.yaml",
       {{"b.yaml",
         "budget: {usd: 1e9, deadline_hours: 100}\nhardware: {gpu: H100, count: 100000, "
         "pricing: spot, spot_interruptions_per_hour: 1e6}\n"}},
       3,
       "scaleplan: infeasible: no run meets the constraints: spot.checkpoint_hours, budget.usd, "
       "budget.deadline_hours (even the smallest run considered, 5.7e+06 params on 2.45e+07 "
       "tokens, breaks them on 100000 GPUs)"},
  });
}

TEST_CASE("hardening 3: overflowing table values and results are errors, never null with exit 0",
          "[cli][hardening]") {
  run_cases({
      {"1e308 TFLOP/s",
       "--gpus g.yaml plan b.yaml",
       {{"g.yaml", gpu_table("X", "").replace(gpu_table("X", "").find("500"), 3, "1e308")},
        {"b.yaml", "budget: {usd: 1e6}\nhardware: {gpu: X, count: 8}\n"}},
       2,
       "scaleplan: g.yaml:5:20: gpus[0].tflops.bf16: must be <= 1e9, got 1e308"},
      {"1e308 GB of memory",
       "--gpus g.yaml gpus",
       {{"g.yaml", gpu_table("X", "").replace(gpu_table("X", "").find("80"), 2, "1e308")}},
       2,
       "scaleplan: g.yaml:3:16: gpus[0].memory_gb: must be <= 1e6, got 1e308"},
      {"a price of 1e308 in the table",
       "--gpus g.yaml gpus",
       {{"g.yaml", gpu_table("X", "").replace(gpu_table("X", "").find("on_demand: 2"), 12,
                                              "on_demand: 1e308")}},
       2,
       "scaleplan: g.yaml:6:41: gpus[0].price_usd_per_gpu_hour.on_demand: must be <= 1e6, got "
       "1e308"},
      {"a price of 1e308 in the budget",
       "plan b.yaml",
       {{"b.yaml",
         "budget: {gpu_hours: 1e6}\nhardware: {gpu: H100, count: 8, price_usd_per_gpu_hour: "
         "1e308}\n"}},
       2,
       "scaleplan: b.yaml:2:57: hardware.price_usd_per_gpu_hour: must be <= 1e6, got 1e308"},
      {"an attention share above one in the table",
       "--gpus g.yaml gpus",
       {{"g.yaml", gpu_table("X", "    attention_fraction: 1.5\n")}},
       2,
       "scaleplan: g.yaml:9:25: gpus[0].attention_fraction: must be <= 1, got 1.5"},
      {"a profit beyond a double",
       "plan b.yaml --format json",
       {{"b.yaml",
         "objective: maximize_profit\nbudget: {usd: 1e6}\nhardware: {gpu: H100, count: 64}\n"
         "inference: {gpu: H100, latency_ms_per_token: 50, lifetime_queries: 1e300}\n"
         "roi: {value_per_correct_answer_usd: 1e300}\n"}},
       3,
       "scaleplan: infeasible: the result is not a finite number: roi.profit_usd = inf (an input "
       "is beyond the range the models compute in)"},
      {"the same, as a table",
       "plan b.yaml",
       {{"b.yaml",
         "objective: maximize_profit\nbudget: {usd: 1e6}\nhardware: {gpu: H100, count: 64}\n"
         "inference: {gpu: H100, latency_ms_per_token: 50, lifetime_queries: 1e300}\n"
         "roi: {value_per_correct_answer_usd: 1e300}\n"}},
       3,
       "scaleplan: infeasible: the result is not a finite number: roi.profit_usd = inf (an input "
       "is beyond the range the models compute in)"},
      {"a law whose loss overflows",
       "predict --law big.yaml --params 1 --tokens 1",
       {{"big.yaml",
         "form: chinchilla\nparams: {E: 1e308, A: 1e308, B: 1e308, alpha: 0.3, beta: 0.3}\n"}},
       3,
       "scaleplan: infeasible: the result is not a finite number: loss = inf (an input is beyond "
       "the range the models compute in)"},
  });
}

TEST_CASE("hardening 4: NaN, infinities and overflowing numbers on the command line are bad input",
          "[cli][hardening]") {
  const std::map<std::string, std::string> run = {
      {"run.yaml", "run: {params: 1e9, tokens: 2e10, gpu: H100, gpus: 8, precision: bf16}\n"}};
  run_cases({
      {"check --max-regret nan", "check run.yaml --max-regret nan", run, 2,
       "scaleplan: --max-regret: 'nan': expected a percent such as 5% or a fraction such as 0.05"},
      {"check --max-batch-over-critical -inf", "check run.yaml --max-batch-over-critical -inf",
       run, 2,
       "scaleplan: --max-batch-over-critical: must be a finite number > 0, got '-inf' (see "
       "--help)"},
      {"check --max-batch-over-critical 1e400", "check run.yaml --max-batch-over-critical 1e400",
       run, 2,
       "scaleplan: --max-batch-over-critical: must be a finite number > 0, got '1e400' (see "
       "--help)"},
      {"predict --params nan",
       "predict --params nan --tokens 1e9",
       {},
       2,
       "scaleplan: --params: must be a finite number > 0, got 'nan' (see --help)"},
      {"predict --tokens inf",
       "predict --params 1e9 --tokens inf",
       {},
       2,
       "scaleplan: --tokens: must be a finite number > 0, got 'inf' (see --help)"},
      {"predict --params 1e400: no bound in 309 digits",
       "predict --params 1e400 --tokens 1e9",
       {},
       2,
       "scaleplan: --params: must be a finite number > 0, got '1e400' (see --help)"},
      {"predict --params 1e-400 underflows to 0",
       "predict --params 1e-400 --tokens 1e9",
       {},
       2,
       "scaleplan: --params: must be a number > 0, got '1e-400' (see --help)"},
      {"predict --params 7b",
       "predict --params 7b --tokens 1e9",
       {},
       2,
       "scaleplan: --params: expected a number, got '7b' (see --help)"},
      {"isoflop --range nan",
       "isoflop --flops 1e20 --range nan",
       {},
       2,
       "scaleplan: --range: must be a finite number in [1.5, 1e+06], got 'nan' (see --help)"},
      {"isoflop --flops with a NaN",
       "isoflop --flops 1e20,nan",
       {},
       2,
       "scaleplan: --flops: 'nan' is not a positive number"},
      {"frontier --usd nan:1e6",
       "frontier b.yaml --usd nan:1e6",
       {{"b.yaml", kBudget}},
       2,
       "scaleplan: --usd: 'nan:1e6': expected LO:HI, two positive numbers"},
      {"fit --seed -1 (CLI11 wraps it to 2^64 - 1)",
       "fit runs.csv --seed -1",
       {{"runs.csv", kRuns}},
       2,
       "scaleplan: --seed: must be a number in [0, 1.84467e+19], got '-1' (see --help)"},
  });
}

TEST_CASE("hardening 8: parse errors are one line with the scaleplan: prefix", "[cli][hardening]") {
  run_cases({
      {"an unexpected argument",
       "plan a.yaml b.yaml",
       {},
       2,
       "scaleplan: The following argument was not expected: b.yaml (see --help)"},
      {"an unknown option",
       "plan a.yaml --frobnicate",
       {},
       2,
       "scaleplan: The following argument was not expected: --frobnicate (see --help)"},
      {"a missing option",
       "predict --tokens 1e9",
       {},
       2,
       "scaleplan: --params: missing: law 'besiroglu2024' (form chinchilla) predicts from --params "
       "and --tokens"},
      {"no subcommand", "-q", {}, 2, "scaleplan: A subcommand is required (see --help)"},
      {"whatif without a change", "whatif example:h100_2m_usd", {}, 2,
       "scaleplan: whatif: give at least one change: --usd, --gpu-hours, --flops, "
       "--deadline-hours, --gpus, --unique-tokens or --gpu"},
      {"whatif: a change that is not a number", "whatif example:h100_2m_usd --usd x", {}, 2,
       "scaleplan: --usd: 'x': expected xF (times F), +A, -A or =V (a finite number)"},
      {"whatif: NaN as a change", "whatif example:h100_2m_usd --usd xnan", {}, 2,
       "scaleplan: --usd: 'xnan': expected xF (times F), +A, -A or =V (a finite number)"},
      {"whatif: a change below zero", "whatif example:h100_2m_usd --usd -3e6", {}, 2,
       "scaleplan: --usd: '-3e6' makes 2e+06 into -1e+06: the result must be a positive finite "
       "number"},
      {"whatif: the amount in another unit", "whatif example:h100_2m_usd --flops x2", {}, 2,
       "scaleplan: --flops: the budget is in budget.usd: change it with --usd"},
      {"whatif: a fractional GPU count", "whatif example:h100_2m_usd --gpus x1.0001", {}, 2,
       "scaleplan: --gpus: 'x1.0001' makes 2048 GPUs into 2048.2048: a GPU count must be a whole "
       "number up to 1e9"},
      {"whatif: a deadline to add to where there is none", "whatif example:chinchilla_flops "
       "--deadline-hours +24", {}, 2,
       "scaleplan: --deadline-hours: the budget has no deadline to change: set one with =HOURS"},
      {"whatif: an unknown GPU", "whatif example:h100_2m_usd --gpu H1000", {}, 2,
       "scaleplan: --gpu: unknown GPU 'H1000' (did you mean 'H100'?); `scaleplan gpus` lists "
       "them"},
      {"whatif: a GPU count one above 1e9 is named as it is, not rounded to 1e+09",
       "whatif example:h100_2m_usd --gpus =1000000001", {}, 2,
       "scaleplan: --gpus: '=1000000001' makes 2048 GPUs into 1000000001: a GPU count must be a "
       "whole number up to 1e9"},
      {"whatif: another GPU the table has no price for, on a budget in dollars",
       "whatif example:h100_2m_usd --gpu Gaudi3", {}, 2,
       "scaleplan: --gpu: the GPU table has no on_demand price for 'Gaudi3', which budget.usd "
       "needs (a GPU table with its price: scaleplan --gpus FILE whatif ...)"},
      {"whatif: another GPU without a spot price, on a spot budget",
       "whatif b.yaml --gpu H200",
       {{"b.yaml", "budget: {usd: 1e5}\nhardware: {gpu: H100, count: 8, pricing: spot}\n"}}, 2,
       "scaleplan: --gpu: the GPU table has no spot price for 'H200', which budget.usd needs (a "
       "GPU table with its price: scaleplan --gpus FILE whatif ...)"},
      {"a format the command does not offer names the ones it does (whatif: csv)",
       "whatif example:h100_2m_usd --usd x2 --format github", {}, 2,
       "scaleplan: --format: github is not offered by this command (use table, json, yaml, csv)"},
      {"a format the command does not offer names the ones it does (check: github)",
       "check example:h100_run --format csv", {}, 2,
       "scaleplan: --format: csv is not offered by this command (use table, json, yaml, github)"},
      {"a format the command does not offer names the ones it does (plan)",
       "plan example:h100_2m_usd --format csv", {}, 2,
       "scaleplan: --format: csv is not offered by this command (use table, json, yaml)"},
      {"an unknown subcommand",
       "plann b.yaml",
       {},
       2,
       "scaleplan: unknown command 'plann' (did you mean 'plan'?) (choose init, examples, "
       "plan, whatif, compare, predict, gpus, laws, fit, check, frontier, isoflop or schema)"},
      {"an empty output path (an unset shell variable)",
       "fit runs.csv -o \"$LAW\"",
       {{"runs.csv", kRuns}},
       2,
       "scaleplan: --output: must not be empty (see --help)"},
      {"an empty budget path",
       "plan ''",
       {},
       2,
       "scaleplan: budget: must not be empty (see --help)"},
      {"an unknown format",
       "--format xml gpus",
       {},
       2,
       "scaleplan: --format: xml not in {table,json,yaml,csv,github} (see --help)"},
      {"a 100 KB argument",
       "plan " + std::string(100000, 'x') + ".yaml",
       {},
       2,
       "scaleplan: " + std::string(400, 'x') + "..."},
      {"a control character in an argument",
       "plan \"$(printf 'b\\033.yaml')\"",
       {},
       2,
       "scaleplan: b\\x1b.yaml: cannot read: No such file or directory"},
  });
}

TEST_CASE("hardening 8: unreadable inputs are named with the system's reason", "[cli][hardening]") {
  run_cases({
      {"a directory", "plan .", {}, 2, "scaleplan: .: cannot read: Is a directory"},
      {"a directory as a law",
       "predict --law sub/ --params 1e9 --tokens 1e9",
       {},
       2,
       "scaleplan: --law: unknown law 'sub/' (choose besiroglu2024, deepseek2024, gadre2024_c4, "
       "gadre2024_redpajama, gadre2024_refinedweb, hoffmann2022, kaplan2020, ludziejewski2025, "
       "muennighoff2023, nezhurina2025_clip, nezhurina2025_mammut, porian2024, "
       "yao2024_decoder_params, yao2024_encoder_params or yao2024_encoder_tokens, or a law YAML "
       "file)"},
      {"a directory as the GPU table",
       "--gpus . gpus",
       {},
       2,
       "scaleplan: .: cannot read: Is a directory"},
      {"closed stdin",
       "plan - <&-",
       {},
       2,
       "scaleplan: <stdin>: cannot read: standard input is closed"},
      {"a directory on stdin",
       "plan - < .",
       {},
       2,
       "scaleplan: <stdin>: cannot read: Is a directory"},
      {"an empty stdin", "plan -", {}, 2, "scaleplan: <stdin>: the file is empty"},
      {"stdin named twice",
       "check - --budget - <r.yaml",
       {{"r.yaml", "run: {params: 1e9, tokens: 2e10, gpu: H100, gpus: 8}\n"}},
       2,
       "scaleplan: <stdin>: cannot read: standard input is already read for another argument"},
      {"a file larger than 256 MiB",
       "plan /dev/zero",
       {},
       2,
       "scaleplan: /dev/zero: cannot read: larger than 256 MiB"},
  });
  if (::geteuid() != 0) {  // root reads any file
    const auto denied =
        run_scaleplan("-q --version; chmod 000 b.yaml; '" SCALEPLAN_BINARY "' plan b.yaml",
                      {{"b.yaml", kBudget}});
    CHECK(denied.rc == 2);
    CHECK(denied.err == "scaleplan: b.yaml: cannot read: Permission denied\n");
  }
}

TEST_CASE("hardening 8: messages echo input printable and short", "[cli][hardening]") {
  run_cases({
      {"a 200 KB GPU name",
       "plan b.yaml",
       {{"b.yaml",
         "budget: {usd: 1e6}\nhardware: {gpu: " + std::string(200000, 'G') + ", count: 8}\n"}},
       2,
       "scaleplan: b.yaml:2:17: hardware.gpu: unknown GPU '" + std::string(64, 'G') +
           "...'; `scaleplan gpus` lists them"},
      {"a 1,000-character key",
       "plan b.yaml",
       {{"b.yaml", kBudget + std::string(1000, 'k') + ": 1\n"}},
       2,
       "scaleplan: b.yaml:3:1: " + std::string(64, 'k') + "...: unknown key (valid keys: budget, hardware, model, data, objective, target_loss, "
           "inference, roi)"},
      {"a 200 KB key: YAML allows 1,024 characters",
       "plan b.yaml",
       {{"b.yaml", kBudget + std::string(200000, 'k') + ": 1\n"}},
       2,
       "scaleplan: b.yaml:3:200001: invalid YAML: illegal map value"},
      {"a tab inside a quoted value",
       "plan b.yaml",
       {{"b.yaml",
         "budget: {usd: 1e6}\nhardware: {gpu: H100, count: 8, pricing: \"on\\tdemand\"}\n"}},
       2,
       "scaleplan: b.yaml:2:42: hardware.pricing: unknown value 'on\\tdemand' (choose on_demand, "
       "spot or cheapest)"},
      {"a newline inside a quoted name",
       "plan b.yaml",
       {{"b.yaml", "budget: {usd: 1e6}\nhardware: {gpu: \"H100\\n\", count: 8}\n"}},
       2,
       "scaleplan: b.yaml:2:17: hardware.gpu: unknown GPU 'H100\\n' (did you mean 'H100'?); "
       "`scaleplan gpus` lists them"},
      {"a right-to-left override is shown, not obeyed",
       "plan b.yaml",
       {{"b.yaml", "budget: {usd: 1e6}\nhardware: {gpu: \"H\\u202e001\", count: 8}\n"}},
       2,
       "scaleplan: b.yaml:2:17: hardware.gpu: unknown GPU 'H\\u202e001'; `scaleplan gpus` lists "
       "them"},
      {"UTF-8 passes as it is",
       "plan b.yaml",
       {{"b.yaml", "budget: {usd: 1e6}\nhardware: {gpu: H100-\xc3\xa9t\xc3\xa9, count: 8}\n"}},
       2,
       "scaleplan: b.yaml:2:17: hardware.gpu: unknown GPU 'H100-\xc3\xa9t\xc3\xa9'; `scaleplan "
       "gpus` lists them"},
      {"bare CRs end lines (YAML 1.2), so the error has its line",
       "plan b.yaml",
       {{"b.yaml", "budget:\r  usd: -5\rhardware: {gpu: H100, count: 8}\r"}},
       2,
       "scaleplan: b.yaml:2:8: budget.usd: must be > 0, got -5"},
      {"CRLF line ends",
       "plan b.yaml",
       {{"b.yaml", "budget:\r\n  usd: -5\r\nhardware: {gpu: H100, count: 8}\r\n"}},
       2,
       "scaleplan: b.yaml:2:8: budget.usd: must be > 0, got -5"},
      {"an alias error points at the alias, not the anchor",
       "plan b.yaml",
       {{"b.yaml", "budget:\n  usd: &n 1e6\nhardware:\n  gpu: H100\n  count: 8\n  mfu: *n\n"}},
       2,
       "scaleplan: b.yaml:6:3: hardware.mfu: must be <= 1, got 1e6"},
      {"an alias to an undefined anchor",
       "plan b.yaml",
       {{"b.yaml", "budget:\n  usd: *nope\n"}},
       2,
       "scaleplan: b.yaml:2:8: invalid YAML: the referenced anchor is not defined"},
      {"nesting deeper than yaml-cpp's limit",
       "plan b.yaml",
       {{"b.yaml", "budget: " + std::string(600, '[') + std::string(600, ']') + "\n"}},
       2,
       "scaleplan: b.yaml: invalid YAML: nested more than 499 levels deep"},
  });
}

TEST_CASE("hardening 9: a second YAML document is an error at its line", "[cli][hardening]") {
  run_cases({
      {"a second, different budget",
       "plan b.yaml",
       {{"b.yaml", kBudget + "---\nbudget: {usd: 5}\nhardware: {gpu: L4, count: 1}\n"}},
       2,
       "scaleplan: b.yaml:3:1: a second YAML document starts here; the file must hold one"},
      {"invalid YAML after the marker",
       "plan b.yaml",
       {{"b.yaml", kBudget + "---\nbudget: [\n"}},
       2,
       "scaleplan: b.yaml:5:1: invalid YAML: end of sequence flow not found"},
      {"an empty second document",
       "plan b.yaml",
       {{"b.yaml", kBudget + "--- \n"}},
       2,
       "scaleplan: b.yaml:3:1: a second YAML document starts here; the file must hold one"},
      {"a second run file in check",
       "check r.yaml",
       {{"r.yaml",
         "# a run\n---\nrun: {params: 1e9, tokens: 2e10, gpu: H100, gpus: 8}\n--- "
         "{run: {}}\n"}},
       2,
       "scaleplan: r.yaml:4:1: a second YAML document starts here; the file must hold one"},
      {"a stray comma, which yaml-cpp's LoadAll never consumes",
       "plan b.yaml",
       {{"b.yaml", ", budget: {usd: 1e6}\n"}},
       2,
       "scaleplan: b.yaml:1:1: invalid YAML: unexpected ','"},
      {"in a law file",
       "predict --law l.yaml --params 1e9 --tokens 1e9",
       {{"l.yaml",
         "form: kaplan\nparams: {N_c: 8.8e13, D_c: 5.4e13, alpha_N: 0.076, alpha_D: "
         "0.095}\n...\n---\nform: chinchilla\n"}},
       2,
       "scaleplan: l.yaml:4:1: a second YAML document starts here; the file must hold one"},
  });
  // One document with explicit start and end markers is fine.
  const auto r = run_scaleplan("-q plan b.yaml", {{"b.yaml", "---\n" + kBudget + "...\n"}});
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
}

// ---- Class 5: no output path can destroy an input or a non-regular file ----

TEST_CASE("hardening 5: an output never replaces an input of the same run",
          "[cli][hardening][files]") {
  const std::map<std::string, std::string> files = {{"runs.csv", kRuns}};
  struct FileCase {
    const char* name;
    std::string setup, args, err;
  };
  const FileCase cases[] = {
      {"the input itself", "true", "-o runs.csv",
       "scaleplan: runs.csv: is an input of this run; refusing to overwrite it"},
      {"a symbolic link to the input", "ln -s runs.csv link.csv", "-o link.csv",
       "scaleplan: link.csv: is the same file as the input runs.csv; refusing to overwrite it"},
      {"a hard link to the input", "ln runs.csv hard.csv", "-o hard.csv",
       "scaleplan: hard.csv: is the same file as the input runs.csv; refusing to overwrite it"},
      {"the input as the residuals", "true", "-o law.yaml --residuals ./runs.csv",
       "scaleplan: ./runs.csv: is the same file as the input runs.csv; refusing to overwrite it"},
      // A missing folder before "..": the system opens no such path, and the output must not
      // resolve ".." by text onto the input (hostile-input finding H2, 2026-12-02).
      {"the input behind a missing folder and ..", "rm -rf sub", "-o ./sub/../runs.csv",
       "scaleplan: ./sub/../runs.csv: cannot write: No such file or directory"},
  };
  for (const FileCase& c : cases) {
    INFO(c.name);
    const auto r = run_scaleplan("--version >/dev/null; " + c.setup +
                                     "; '" SCALEPLAN_BINARY
                                     "' -q fit runs.csv "
                                     "--bootstrap 0 " +
                                     c.args + "; echo rc=$?; cat runs.csv; ls -a",
                                 files);
    CHECK(r.err == c.err + "\n");
    CHECK(r.out.find("rc=2\n" + kRuns) == 0);
    CHECK(r.out.find("law.yaml") == std::string::npos);
    CHECK(r.out.find(".tmp") == std::string::npos);
  }
  // The input on stdin, as a regular file.
  const auto r = run_scaleplan("--version >/dev/null; '" SCALEPLAN_BINARY
                               "' -q fit - --bootstrap 0 -o runs.csv <runs.csv;"
                               " echo rc=$?; cat runs.csv",
                               files);
  CHECK(r.err ==
        "scaleplan: runs.csv: is the same file as the input <stdin>; refusing to "
        "overwrite it\n");
  CHECK(r.out == "rc=2\n" + kRuns);
}

TEST_CASE("hardening 5: a failing second output leaves no first one", "[cli][hardening][files]") {
  const std::map<std::string, std::string> files = {{"runs.csv", kRuns}};
  struct FileCase {
    const char* name;
    std::string args, err;
  };
  const FileCase cases[] = {
      {"residuals in a missing folder", "-o law.yaml --residuals no/such/dir.csv",
       "scaleplan: no/such/dir.csv: cannot write: No such file or directory"},
      {"residuals onto a folder", "-o law.yaml --residuals sub",
       "scaleplan: sub: cannot write: Is a directory"},
      {"residuals onto a full device", "-o law.yaml --residuals /dev/full",
       "scaleplan: /dev/full: cannot write: No space left on device"},
      {"the same path twice", "-o law.yaml --residuals ./law.yaml",
       "scaleplan: ./law.yaml: is given twice as an output"},
      {"a link to a missing file", "-o law.yaml --residuals dangling.csv",
       "scaleplan: dangling.csv: is a symbolic link to a missing file; refusing to write"},
  };
  for (const FileCase& c : cases) {
    INFO(c.name);
    const auto r = run_scaleplan(
        "--version >/dev/null; mkdir sub; ln -s nowhere.csv dangling.csv; '" SCALEPLAN_BINARY
        "' -q fit runs.csv --bootstrap 0 " +
            c.args + "; echo rc=$?; ls -a",
        files);
    CHECK(r.err == c.err + "\n");
    CHECK(r.out == "rc=2\n.\n..\ndangling.csv\nerr.txt\nout.txt\nruns.csv\nsub\n");
  }
}

TEST_CASE("hardening 5: links are followed, devices and FIFOs written through, never replaced",
          "[cli][hardening][files]") {
  const std::map<std::string, std::string> files = {{"runs.csv", kRuns}};
  SECTION("a symbolic link: its target is replaced and the link kept, with its permissions") {
    const auto r = run_scaleplan(
        "--version >/dev/null; mkdir real; echo old >real/law.yaml; chmod 640 real/law.yaml; "
        "ln -s real/law.yaml law.yaml; '" SCALEPLAN_BINARY
        "' -q fit runs.csv --bootstrap 0 "
        "-o law.yaml >/dev/null; echo rc=$?; test -L law.yaml && echo link; stat -c %a "
        "real/law.yaml; head -1 real/law.yaml",
        files);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "rc=0\nlink\n640\n# Scaling law fitted by `scaleplan fit` (docs/fit.md); `plan --law` "
          "reads it.\n");
  }
  SECTION("a FIFO: written through to its reader, still a FIFO") {
    const auto r = run_scaleplan(
        "--version >/dev/null; mkfifo pipe; cat pipe >got.yaml & '" SCALEPLAN_BINARY
        "' -q fit runs.csv --bootstrap 0 -o pipe >/dev/null; echo rc=$?; wait; test -p pipe && "
        "echo fifo; grep -c '^form: chinchilla' got.yaml",
        files);
    CHECK(r.err.empty());
    CHECK(r.out == "rc=0\nfifo\n1\n");
  }
  SECTION("/dev/null: written through, still a device") {
    const auto r = run_scaleplan(
        "-q fit runs.csv --bootstrap 0 -o /dev/null >/dev/null; echo "
        "rc=$?; test -c /dev/null && echo device",
        files);
    CHECK(r.err.empty());
    CHECK(r.out == "rc=0\ndevice\n");
  }
  SECTION("past ulimit -f: an error, not death by SIGXFSZ, and no temporary file left") {
    const auto r = run_scaleplan("--version >/dev/null; ulimit -f 1; '" SCALEPLAN_BINARY
                                 "' -q fit runs.csv --bootstrap 0 -o law.yaml; echo rc=$?; ls -a",
                                 files);
    CHECK(r.err == "scaleplan: law.yaml: cannot write: File too large\n");
    CHECK(r.out == "rc=2\n.\n..\nerr.txt\nout.txt\nruns.csv\n");
  }
  SECTION("a full device: the write fails") {
    const auto r = run_scaleplan("-q fit runs.csv --bootstrap 0 -o /dev/full", files);
    CHECK(r.rc == 2);
    CHECK(r.err == "scaleplan: /dev/full: cannot write: No space left on device\n");
  }
}

TEST_CASE("hardening 5: results that cannot reach stdout are an error, not exit 0",
          "[cli][hardening][files]") {
  run_cases({
      {"a full disk",
       "gpus >/dev/full",
       {},
       2,
       "scaleplan: <stdout>: cannot write results: No space left on device"},
      {"a closed stdout",
       "gpus >&-",
       {},
       2,
       "scaleplan: <stdout>: cannot write results: standard output is closed"},
      {"a closed stdout, an input opened first",
       "plan b.yaml >&-",
       {{"b.yaml", kBudget}},
       2,
       "scaleplan: <stdout>: cannot write results: standard output is closed"},
      {"a reader that went away: no death by SIGPIPE",
       "--version >/dev/null; (sleep 1; '" SCALEPLAN_BINARY "' laws; echo rc=$? >&2) | true",
       {},
       0,
       "scaleplan: <stdout>: cannot write results: Broken pipe\nrc=2"},
  });
}

// ---- Class 10: plots ----

namespace {

/// Runs `args` with PATH starting at a folder holding a `gnuplot` script with `body` (none when
/// `body` is empty: gnuplot missing).
scaleplan::test::CliResult with_gnuplot(const std::string& body, const std::string& args) {
  namespace fs = std::filesystem;
  const fs::path bin =
      fs::temp_directory_path() / ("scaleplan_fake_gnuplot_" + std::to_string(::getpid()));
  fs::create_directories(bin);
  if (!body.empty()) {
    std::ofstream(bin / "gnuplot") << "#!/bin/sh\n" << body << "\n";
    fs::permissions(bin / "gnuplot", fs::perms::owner_all);
  }
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", (bin.string() + (body.empty() ? "" : ":" + saved)).c_str(), 1);
  auto r = run_scaleplan(args);
  ::setenv("PATH", saved.c_str(), 1);
  fs::remove_all(bin);
  return r;
}

}  // namespace

TEST_CASE("hardening 10: --plot names the cause, writes nothing and never dies of SIGPIPE",
          "[cli][hardening][plot]") {
  const std::string args = "isoflop --flops 1e20,1e21 --plot p.svg; echo rc=$?; /bin/ls";
  struct PlotCase {
    const char* name;
    std::string gnuplot, err;
  };
  const PlotCase cases[] = {
      {"gnuplot missing", "",
       "scaleplan: --plot: gnuplot is not installed (not found on PATH); --plot needs it: "
       "apt-get install gnuplot-nox"},
      {"gnuplot failing",
       "cat >/dev/null; echo 'set terminal svg' >&2; echo '         ^' >&2; "
       "echo '\"plot.gp\" line 1: unknown or ambiguous terminal type' >&2; exit 1",
       "scaleplan: --plot: gnuplot failed (exit status 1): \"plot.gp\" line 1: unknown or "
       "ambiguous terminal type"},
      {"gnuplot exiting at once, its input unread", "exit 1",
       "scaleplan: --plot: gnuplot failed (exit status 1)"},
      {"gnuplot writing its SVG to stdout", "echo '<svg>'; exit 0",
       "scaleplan: --plot: gnuplot exited without writing a picture"},
      {"gnuplot killed", "kill -9 $$", "scaleplan: --plot: gnuplot was killed by signal 9"},
  };
  for (const PlotCase& c : cases) {
    INFO(c.name);
    const auto r = with_gnuplot(c.gnuplot, args);
    CHECK(r.err == c.err + "\n");
    CHECK(r.out == "rc=2\nerr.txt\nout.txt\n");
  }
}

// ---- The catch-all: a bug is one line and exit 70 ----

TEST_CASE("hardening 6: an internal error is one line and exit 70, never an abort",
          "[cli][hardening]") {
#if defined(__SANITIZE_ADDRESS__)
  WARN("skipped under AddressSanitizer: it needs more address space than the limit below");
#else
  // Out of memory while reading: std::bad_alloc reaches main's catch-all.
  const auto r = run_scaleplan("--version >/dev/null; ulimit -v 120000; '" SCALEPLAN_BINARY
                               "' plan /dev/zero");
  CHECK(r.rc == 70);
  CHECK(r.err == "scaleplan: internal error: std::bad_alloc\n");
#endif
}

TEST_CASE("text: printable escapes what a terminal would act on and cuts long values",
          "[text][hardening]") {
  using scaleplan::printable;
  CHECK(printable("plain") == "plain");
  CHECK(printable("a\nb\rc\td\0e\x1b\x7f"s) == "a\\nb\\rc\\td\\0e\\x1b\\x7f");
  CHECK(printable("\xff\xc3\x28 \xe2\x82") == "\\xff\\xc3( \\xe2\\x82");
  CHECK(printable("\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80") == "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");           // an overlong '/'
  CHECK(printable(std::string(100, 'x'), 10) == "xxxxxxxxxx...");
  CHECK(printable("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9\xc3\xa9...");
  CHECK(printable("a\u202eb\u200bc\xef\xbb\xbf\xc2\x9b") == "a\\u202eb\\u200bc\\ufeff\\u009b");
  CHECK(scaleplan::valid_utf8("a\xff"
                              "b\xc3\xa9") ==
        "a\xEF\xBF\xBD"
        "b\xc3\xa9");
}

TEST_CASE("hostile: a FLOPs budget's spend reads in FLOPs, not as a count of trillions",
          "[cli][hardening]") {
  // Was "100.0% of budget.flops 5.76e+11T" (human_count's T suffix on 5.76e23).
  const auto r = run_scaleplan("plan example:chinchilla_flops", {});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("  cost           $1.29M (859k GPU-hours); 100.0% of budget.flops 5.76e+23\n") !=
        std::string::npos);
}
