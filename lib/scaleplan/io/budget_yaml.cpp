#include "scaleplan/io/budget_yaml.hpp"

#include <algorithm>

#include "scaleplan/io/gpus_yaml.hpp"  // kMaxPriceUsdPerGpuHour

namespace scaleplan {
namespace {

std::vector<std::string> precision_names() {
  std::vector<std::string> names;
  for (Precision p : all_precisions()) names.push_back(to_string(p));
  return names;
}

std::vector<std::string> default_precisions() {
  std::vector<std::string> names;
  for (Precision p : Budget{}.precisions) names.push_back(to_string(p));
  return names;
}

// The key tables: what the parser accepts, `scaleplan schema budget` prints and `scaleplan init`
// writes. To add a key: one entry in its section's table (name, type, unit, description, range,
// max or choices, and a default_value or an example), its read in that section's read_*
// function below, then scripts/update_schemas.sh and a row in docs/budget.md (key_table_test
// checks every key is documented). A key that is a number or a {min, max} mapping is a
// KeyType::kNumberOrMap with its own small table, as price_usd_per_gpu_hour is.

const KeyTable& amount_keys() {
  static const KeyTable t{
      "What the run may spend: exactly one of usd, gpu_hours or flops, and a deadline",
      {{.name = "usd", .unit = "USD", .description = "total training spend",
        .range = Range::kPositive, .example = 1.0e5},
       {.name = "gpu_hours", .unit = "GPU-hours", .description = "GPU time (GPUs x hours)",
        .range = Range::kPositive, .example = 2.0e5},
       {.name = "flops", .unit = "FLOPs",
        .description = "training compute, as counted by model.flops_per_token",
        .range = Range::kPositive, .example = 1.0e23},
       {.name = "deadline_hours", .unit = "hours",
        .description = "wall-clock limit from first to last step; none when absent (then the "
                       "planner may pick few GPUs and a long run)",
        .range = Range::kPositive, .example = 720}},
      {{.keys = {"usd", "gpu_hours", "flops"}, .noun = "amount"}}};
  return t;
}

const KeyTable& price_keys() {
  static const KeyTable t{
      "Prices per GPU-hour by kind",
      {{.name = "on_demand", .unit = "USD per GPU-hour", .description = "on-demand price",
        .range = Range::kPositive, .max = kMaxPriceUsdPerGpuHour},
       {.name = "spot", .unit = "USD per GPU-hour", .description = "spot price",
        .range = Range::kPositive, .max = kMaxPriceUsdPerGpuHour}},
      {}};
  return t;
}

}  // namespace

const KeyTable& hardware_keys() {
  static const Budget d;
  static const KeyTable t{
      "The GPUs: exactly one of count or max_count",
      {{.name = "gpu", .type = KeyType::kNameOrList,
        .description = "a GPU from `scaleplan gpus` (case-insensitive; aliases accepted), or a "
                       "list of them: the planner plans each and recommends the best "
                       "(`scaleplan compare` shows them side by side)",
        .example = "H100-SXM", .required = true,
        .missing = "missing: name a GPU from `scaleplan gpus`"},
       {.name = "count", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "a fixed number of GPUs", .range = Range::kPositive, .example = 64},
       {.name = "max_count", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "the planner tries 1, 2, 4, ... up to this and picks the smallest count "
                       "that reaches the lowest loss",
        .range = Range::kPositive, .example = 64},
       {.name = "pricing", .type = KeyType::kChoice,
        .description = "which price the run pays; cheapest tries both per plan",
        .choices = {"on_demand", "spot", "cheapest"}, .default_value = to_string(d.pricing)},
       {.name = "price_usd_per_gpu_hour", .type = KeyType::kNumberOrMap,
        .unit = "USD per GPU-hour",
        .description = "the on-demand price, or {on_demand, spot}; the GPU table's when absent "
                       "(needed when it has none and the budget is in dollars)",
        .range = Range::kPositive, .max = kMaxPriceUsdPerGpuHour, .example = 2.5,
        .table = &price_keys()},
       {.name = "mfu", .unit = "fraction of peak",
        .description = "measured utilisation of the FLOPs model.flops_per_token counts; replaces "
                       "the step-time model when given",
        .range = Range::kPositive, .max = 1, .example = 0.4},
       {.name = "goodput", .unit = "fraction of GPU time",
        .description = "share of the job's GPU time that trains (failures, restarts, evaluations "
                       "take the rest); Llama 3's 90% when absent",
        .range = Range::kPositive, .max = 1, .default_value = kDefaultGoodput},
       {.name = "gpus_per_node", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "GPUs sharing one NVLink domain (4-GPU HPC nodes, 8-GPU HGX, 72-GPU "
                       "NVL72); the GPU table's when absent",
        .range = Range::kPositive, .example = 8},
       {.name = "scale_out_gbps", .unit = "GB/s per GPU per direction",
        .description = "scale-out network bandwidth per GPU (25 or 50 GB/s on DGX A100/H100); "
                       "the GPU table's when absent",
        .range = Range::kPositive, .example = 50},
       {.name = "spot_interruptions_per_hour", .unit = "interruptions per instance-hour",
        .description = "spot interruption rate (an assumption by default; 0 is valid)",
        .range = Range::kNonNegative, .default_value = d.spot.interruptions_per_instance_hour},
       {.name = "gpus_per_instance", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "GPUs per interruptible instance", .range = Range::kPositive,
        .default_value = d.spot.gpus_per_instance},
       {.name = "checkpoint_write_gbps", .unit = "GB/s per instance",
        .description = "checkpoint write bandwidth of one instance; each writes its shard (an "
                       "assumption by default)",
        .range = Range::kPositive, .default_value = d.spot.checkpoint_write_gbps}},
      {{.keys = {"count", "max_count"}}}};
  return t;
}

const std::vector<std::string>& hardware_run_keys() {
  static const std::vector<std::string> keys = {
      "price_usd_per_gpu_hour", "mfu", "goodput", "gpus_per_node", "scale_out_gbps",
      "spot_interruptions_per_hour", "gpus_per_instance", "checkpoint_write_gbps"};
  return keys;
}

namespace {

/// `{min, max}` of one lever, in its unit (model.params, data.tokens, data.tokens_per_param).
KeyTable bound_table(const std::string& unit, double max) {
  return {"A bound: min, max or both (min <= max)",
          {{.name = "min", .unit = unit, .description = "the least allowed",
            .range = Range::kPositive, .max = max},
           {.name = "max", .unit = unit, .description = "the most allowed",
            .range = Range::kPositive, .max = max}},
          {}};
}

// Upper limits of the bounds: far beyond any run (1e15 parameters, 1e18 tokens), so a larger
// figure is a typo.
constexpr double kMaxBoundParams = 1e15, kMaxBoundTokens = 1e18, kMaxBoundTokensPerParam = 1e9;

const KeyTable& params_bound_keys() {
  static const KeyTable t = bound_table("parameters", kMaxBoundParams);
  return t;
}
const KeyTable& tokens_bound_keys() {
  static const KeyTable t = bound_table("tokens", kMaxBoundTokens);
  return t;
}
const KeyTable& tokens_per_param_bound_keys() {
  static const KeyTable t = bound_table("tokens per parameter", kMaxBoundTokensPerParam);
  return t;
}

const KeyTable& precision_quality_keys() {
  static const KeyTable t = [] {
    KeyTable q{"The quality factor N_eff / N of a run trained at each precision, from your own "
               "measurement; Kumar et al. 2024's law where absent (docs/models.md)",
               {}, {}};
    for (Precision p : all_precisions())
      q.keys.push_back({.name = to_string(p), .unit = "fraction of N",
                        .description = "N_eff / N when training in " + to_string(p),
                        .range = Range::kPositive, .min = kMinPrecisionQuality, .max = 1.0});
    return q;
  }();
  return t;
}

const KeyTable& model_keys() {
  static const Budget d;
  static const KeyTable t{
      "The model family: law, FLOP convention, precisions, sequence length, schedule, "
      "hyperparameter law",
      {{.name = "law", .type = KeyType::kString,
        .description = "a preset from `scaleplan laws`, or a law YAML file (relative to this "
                       "file's folder)",
        .default_value = d.law},
       {.name = "flops_per_token", .type = KeyType::kChoice,
        .description = "6N (the scaling-law papers') or detailed (6N + 12 n_layer d_model "
                       "seq_len, PaLM App. B)",
        .choices = {"6N", "detailed"},
        .default_value = d.flops_per_token == FlopsConvention::k6N ? "6N" : "detailed"},
       {.name = "precisions", .type = KeyType::kChoiceList,
        .description = "training precisions the planner may choose; ones the GPU lacks are "
                       "skipped",
        .choices = precision_names(), .default_value = default_precisions()},
       {.name = "seq_len", .type = KeyType::kInteger, .unit = "tokens",
        .description = "training sequence length", .range = Range::kPositive,
        .default_value = d.seq_len},
       {.name = "vocab", .type = KeyType::kInteger, .unit = "tokens",
        .description = "vocabulary of the planned model (its embedding and output head)",
        .range = Range::kPositive, .default_value = d.vocab},
       {.name = "aspect_ratio", .unit = "d_model / n_layer",
        .description = "width over depth of the planned shapes; the laws do not price it "
                       "(Kaplan et al. 2020 Sec. 3.1: loss within a few percent over 20-200)",
        .range = Range::kPositive, .min = 1.0, .max = 1e5, .default_value = d.aspect_ratio},
       {.name = "schedule", .type = KeyType::kChoice, .description = "learning-rate schedule",
        .choices = {"wsd", "cosine"}, .default_value = to_string(d.schedule)},
       {.name = "hyperparameter_law", .type = KeyType::kChoice,
        .description = "the law the peak learning rate and the optimal batch come from: "
                       "deepseek2024 (DeepSeek LLM 2024 Eq. 1, in compute) or step-law (Li et "
                       "al. 2025, in non-embedding N and D)",
        .choices = hyperparameter_law_names(), .default_value = to_string(d.hyperparameter_law)},
       {.name = "critical_batch", .type = KeyType::kChoice,
        .description = "the batch-noise scale B_noise in what a batch above the optimum costs, "
                       "E = E_min (1 + B/B_noise): hyperparameter-law (B_noise = the law's B_opt, "
                       "an assumption) or zhang2024 (Zhang et al. 2024: grows with D, not N; "
                       "unverified constants from the authors' notebook)",
        .choices = critical_batch_law_names(), .default_value = to_string(d.critical_batch)},
       {.name = "precision_quality", .type = KeyType::kMap,
        .description = "your own quality factor N_eff / N per training precision, in [0.01, 1]: "
                       "{fp8: 0.98}; Kumar et al. 2024's law for the rest",
        .example = nlohmann::json{{"fp8", 0.98}}, .table = &precision_quality_keys()},
       {.name = "fp4_overhead", .unit = "fraction of fp4 GEMM time",
        .description = "fp4 training's stabilisation (Hadamard transforms, stochastic "
                       "rounding) added to its GEMM time; the default is an ASSUMPTION (no "
                       "measurement found)",
        .range = Range::kNonNegative, .max = 10.0, .default_value = d.fp4_overhead},
       {.name = "architectures", .type = KeyType::kChoiceList,
        .description = "model families the planner may choose: dense, moe (Mixture-of-Experts; "
                       "needs a law with an expert term, ludziejewski2025)",
        .choices = {"dense", "moe"}, .default_value = nlohmann::json::array({"dense"})},
       {.name = "experts", .type = KeyType::kChoiceList, .unit = "experts",
        .description = "expert counts an MoE may have (with architectures: [.., moe])",
        .choices = {"2", "4", "8", "16", "32", "64", "128", "256"},
        .default_value = nlohmann::json::array({4, 8, 16, 32})},
       {.name = "top_k", .type = KeyType::kInteger,
        .description = "routed experts per token of an MoE (1: Switch, as the joint MoE law "
                       "was fitted)",
        .range = Range::kPositive, .max = 256, .default_value = 1},
       {.name = "params", .type = KeyType::kNumberOrMap, .unit = "parameters",
        .description = "bounds on the model size N (non-embedding, as the law counts): "
                       "{min, max}, or one N (met by a shape within 5% of it); free when absent",
        .range = Range::kPositive, .max = kMaxBoundParams, .example = nlohmann::json{{"max", 3e9}},
        .table = &params_bound_keys()}},
      {}};
  return t;
}

const KeyTable& source_keys() {
  static const KeyTable t{
      "One pool of training data (Goyal et al. 2024; docs/models.md, Data pools): its unique "
      "tokens and, measured from a small sweep, its quality and repetition half-life",
      {{.name = "name", .type = KeyType::kString, .description = "the pool's name, for the report",
        .example = "web-filtered", .required = true},
       {.name = "unique_tokens", .unit = "tokens", .description = "unique tokens in the pool",
        .range = Range::kPositive, .example = 1.0e12, .required = true},
       {.name = "quality", .unit = "exponent, in [-1, 0)",
        .description = "Goyal et al.'s b: the exponent of the law's data term B D^b on this "
                       "pool's fresh tokens (the law's own data: -beta); no default",
        .min = -1.0, .max = 0.0, .example = -0.3},
       {.name = "half_life_epochs", .unit = "epochs",
        .description = "Goyal et al.'s tau: the pool's exponent halves every tau repetitions; "
                       "no default",
        .range = Range::kPositive, .max = kMaxHalfLifeEpochs, .example = 4}},
      {}};
  return t;
}

const KeyTable& data_keys() {
  static const KeyTable t{
      "The training data",
      {{.name = "unique_tokens", .unit = "tokens",
        .description = "unique training data available; D beyond it repeats the data, which "
                       "the law costs in loss (Muennighoff et al. 2023; unlimited when absent)",
        .range = Range::kPositive, .example = 1.0e13},
       {.name = "max_epochs", .unit = "epochs",
        .description = "cap on D / unique_tokens (needs unique_tokens or sources; no cap when "
                       "absent)",
        .range = Range::kPositive},
       {.name = "sources", .type = KeyType::kMapList,
        .description = "pools of different quality the planner draws from (Goyal et al. 2024); "
                       "pools with only unique_tokens add up to one (Muennighoff et al. 2023)",
        .table = &source_keys(), .min_items = 1, .max_items = kMaxDataPools},
       {.name = "tokens", .type = KeyType::kNumberOrMap, .unit = "tokens",
        .description = "bounds on the training tokens D: {min, max}, or one D; free when absent",
        .range = Range::kPositive, .max = kMaxBoundTokens,
        .example = nlohmann::json{{"min", 1e11}}, .table = &tokens_bound_keys()},
       {.name = "tokens_per_param", .type = KeyType::kNumberOrMap, .unit = "tokens per parameter",
        .description = "bounds on D / N: {min, max}, or one ratio; free when absent",
        .range = Range::kPositive, .max = kMaxBoundTokensPerParam,
        .example = nlohmann::json{{"min", 20}}, .table = &tokens_per_param_bound_keys()}},
      {}};
  return t;
}

const KeyTable& inference_keys() {
  static const InferenceBudget d;
  static const KeyTable t{
      "How the trained model will be served (docs/economics.md)",
      {{.name = "gpu", .type = KeyType::kString,
        .description = "serving GPU from `scaleplan gpus` (a replica is tensor_parallel of them)",
        .example = "H100-SXM", .required = true, .missing = "missing: the serving GPU"},
       {.name = "precision", .type = KeyType::kChoice, .description = "weight precision when serving",
        .choices = {"bf16", "fp8", "int8", "int4"}, .default_value = to_string(d.precision)},
       {.name = "latency_ms_per_token", .unit = "ms", .description = "cap on a decode step",
        .range = Range::kPositive, .example = 30, .required = true,
        .missing = "missing: the decode latency cap"},
       {.name = "ttft_ms", .unit = "ms", .description = "cap on the time to first token; none when absent",
        .range = Range::kPositive, .example = 800},
       {.name = "prompt_tokens", .unit = "tokens", .description = "prompt length per query",
        .range = Range::kNonNegative, .default_value = d.prompt_tokens},
       {.name = "tokens_per_query", .unit = "tokens", .description = "generated tokens per query",
        .range = Range::kPositive, .default_value = d.tokens_per_query},
       {.name = "lifetime_queries", .unit = "queries",
        .description = "queries served over the model's life", .range = Range::kNonNegative,
        .default_value = d.lifetime_queries},
       {.name = "tensor_parallel", .type = KeyType::kInteger, .unit = "GPUs",
        .description = "GPUs per serving replica, a power of two within the GPU's NVLink "
                       "domain; none: the smallest that fits and meets the caps",
        .range = Range::kPositive, .max = 1024, .example = 8},
       {.name = "decode_efficiency",
        .description = "share of the bandwidth bound a real engine's decode step reaches "
                       "(measured H100 55-70%, docs/economics.md)",
        .range = Range::kPositive, .max = 1, .default_value = d.decode_efficiency}},
      {}};
  return t;
}

const KeyTable& error_law_keys() {
  static const LossToError d;
  static const KeyTable t{
      "Gadre et al. 2024's loss-to-error law Err(L) = epsilon - k exp(-gamma L)",
      {{.name = "epsilon",
        .description = "error at chance (infinite loss); value counts (epsilon - Err) / epsilon",
        .range = Range::kPositive,
        .default_value = d.epsilon},
       {.name = "k", .description = "scale", .range = Range::kPositive, .default_value = d.k},
       {.name = "gamma", .description = "rate", .range = Range::kPositive,
        .default_value = d.gamma}},
      {}};
  return t;
}

const KeyTable& roi_keys() {
  static const KeyTable t{
      "What a query is worth (objective maximize_profit): exactly one of "
      "value_per_correct_answer_usd or value_table",
      {{.name = "value_per_correct_answer_usd", .unit = "USD",
        .description = "value of a correct answer, through the loss-to-error law",
        .range = Range::kPositive, .example = 0.002},
       {.name = "value_table", .type = KeyType::kPairList,
        .description = "[[loss, usd_per_query], ...], interpolated linearly; value may not rise "
                       "with the loss",
        .example = {{2.4, 0.0}, {2.0, 0.001}}, .min_items = 2},
       {.name = "error_law", .type = KeyType::kMap,
        .description = "replaces Gadre et al.'s C4 constants", .table = &error_law_keys()}},
      {{.keys = {"value_per_correct_answer_usd", "value_table"}}}};
  return t;
}

const KeyTable& root_keys() {
  static const KeyTable t{
      "A scaleplan budget (docs/budget.md)",
      {{.name = "budget", .type = KeyType::kMap, .description = "what the run may spend",
        .required = true, .missing = "missing section", .table = &amount_keys()},
       {.name = "hardware", .type = KeyType::kMap, .description = "the GPUs",
        .required = true, .missing = "missing section", .table = &hardware_keys()},
       {.name = "model", .type = KeyType::kMap, .description = "the model family",
        .table = &model_keys()},
       {.name = "data", .type = KeyType::kMap, .description = "the training data",
        .table = &data_keys()},
       {.name = "objective", .type = KeyType::kChoice,
        .description = "what the planner optimises (minimize_cost needs target_loss; "
                       "maximize_profit needs inference and roi)",
        .choices = {"minimize_loss", "minimize_cost", "maximize_profit"},
        .default_value = to_string(Budget{}.objective)},
       {.name = "target_loss", .unit = "nats/token",
        .description = "the loss the cheapest lifetime run must reach (only with objective "
                       "minimize_cost, and required there)",
        .range = Range::kPositive, .example = 2.0},
       {.name = "inference", .type = KeyType::kMap,
        .description = "how the model will be served (required by maximize_profit)",
        .table = &inference_keys()},
       {.name = "roi", .type = KeyType::kMap,
        .description = "what a query is worth (only with objective maximize_profit)",
        .table = &roi_keys()}},
      {}};
  return t;
}

/// Records where each key of `m` present in the file was read.
void remember_all(Budget& b, const YamlMap& m) {
  for (const Key& k : m.table->keys) remember_position(b, m, k.name);
}

void read_budget_section(const YamlMap& m, Budget& b) {
  m.check_keys();
  const std::vector<std::pair<std::string, BudgetKind>> kinds = {
      {"usd", BudgetKind::kUsd}, {"gpu_hours", BudgetKind::kGpuHours}, {"flops", BudgetKind::kFlops}};
  for (const auto& [key, kind] : kinds) {
    if (!m.has(key)) continue;
    b.kind = kind;
    b.amount = *m.number(key);
  }
  b.deadline_hours = m.number("deadline_hours");
  remember_all(b, m);
}

void read_price(const YamlMap& m, Budget& b) {
  const std::string key = "price_usd_per_gpu_hour";
  if (!m.has(key)) return;
  if (m.get(key).IsScalar()) {
    b.price_on_demand_usd_per_gpu_hour = m.number(key);
    return;
  }
  const YamlMap prices = m.map(key);
  prices.check_keys();
  b.price_on_demand_usd_per_gpu_hour = prices.number("on_demand");
  b.price_spot_usd_per_gpu_hour = prices.number("spot");
}

/// A non-empty list of distinct choices of the key's table, each converted by `to`.
template <class T, class To>
std::vector<T> read_choice_list(const YamlMap& m, const std::string& key, const char* example,
                                To to) {
  const YAML::Node list = m.get(key);
  if (!list.IsSequence() || list.size() == 0)
    m.fail(key, std::string("expected a non-empty list such as ") + example);
  const std::vector<std::string>& choices = m.spec(key).choices;
  std::vector<std::string> seen;
  std::vector<T> out;
  for (const YAML::Node& item : list) {
    const std::string name = item.IsScalar() ? item.Scalar() : "";
    if (std::find(choices.begin(), choices.end(), name) == choices.end())
      throw InputError(position(m.file, item), m.field(key),
                       "unknown value " + quote(name) + " (choose " + join_choices(choices) + ")");
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      throw InputError(position(m.file, item), m.field(key), quote(name) + " is listed twice");
    seen.push_back(name);
    out.push_back(to(name));
  }
  return out;
}

void read_precisions(const YamlMap& m, Budget& b) {
  if (!m.has("precisions")) return;
  const YAML::Node list = m.get("precisions");
  if (!list.IsSequence() || list.size() == 0)
    m.fail("precisions", "expected a non-empty list such as [bf16, fp8]");
  b.precisions.clear();
  for (const YAML::Node& item : list) {
    if (!item.IsScalar())
      throw InputError(position(m.file, item), m.field("precisions"), "expected a precision name");
    const std::string name = item.Scalar();
    const auto p = parse_precision(name);
    if (!p)
      throw InputError(position(m.file, item), m.field("precisions"),
                       "unknown precision " + quote(name) + " (choose " +
                           join_choices(m.spec("precisions").choices) + ")");
    if (std::find(b.precisions.begin(), b.precisions.end(), *p) != b.precisions.end())
      throw InputError(position(m.file, item), m.field("precisions"),
                       "precision " + quote(name) + " is listed twice");
    b.precisions.push_back(*p);
  }
}

}  // namespace

const KeyTable& budget_keys() { return root_keys(); }

void remember_position(Budget& b, const YamlMap& m, const std::string& key) {
  if (m.has(key)) b.positions[m.field(key)] = m.pos(key);
}

void read_hardware_run_keys(const YamlMap& m, Budget& b) {
  read_price(m, b);
  b.mfu = m.number("mfu");
  b.goodput = m.number("goodput");
  b.gpus_per_node = m.integer("gpus_per_node");
  b.scale_out_gbps = m.number("scale_out_gbps");
  if (const auto r = m.number("spot_interruptions_per_hour"))
    b.spot.interruptions_per_instance_hour = *r;
  if (const auto g = m.integer("gpus_per_instance")) b.spot.gpus_per_instance = *g;
  if (const auto w = m.number("checkpoint_write_gbps")) b.spot.checkpoint_write_gbps = *w;
  for (const std::string& key : hardware_run_keys()) remember_position(b, m, key);
}

/// A bound key: a number or {min, max}; one value (a number, or min = max) is widened by
/// `tolerance` either side.
Bounds read_bounds(const YamlMap& m, const std::string& key, double tolerance = 0) {
  Bounds bounds;
  if (!m.has(key)) return bounds;
  if (m.get(key).IsScalar()) {
    const double x = *m.number(key);
    bounds.min = x * (1 - tolerance);
    bounds.max = x * (1 + tolerance);
    return bounds;
  }
  const YamlMap range = m.map(key);
  range.check_keys();
  bounds.min = range.number("min");
  bounds.max = range.number("max");
  if (!bounds.min && !bounds.max) m.fail(key, "give min, max or both");
  if (bounds.min && bounds.max && *bounds.min > *bounds.max)
    range.fail("min", "is above max (" + fmt("%g", *bounds.min) + " > " + fmt("%g", *bounds.max) + ")");
  if (bounds.min && bounds.max && *bounds.min == *bounds.max) {  // one value, as a bare number
    *bounds.min *= 1 - tolerance;
    *bounds.max *= 1 + tolerance;
  }
  return bounds;
}

void read_model_section(const YamlMap& m, Budget& b) {
  m.check_keys();
  if (const auto law = m.string("law")) b.law = *law;
  if (const auto f = m.string("flops_per_token"))
    b.flops_per_token = *f == "6N" ? FlopsConvention::k6N : FlopsConvention::kDetailed;
  read_precisions(m, b);
  if (const auto s = m.integer("seq_len")) b.seq_len = *s;
  if (const auto v = m.integer("vocab")) b.vocab = *v;
  if (const auto a = m.number("aspect_ratio")) b.aspect_ratio = *a;
  if (const auto s = m.string("schedule"))
    b.schedule = *s == "wsd" ? ScheduleKind::kWsd : ScheduleKind::kCosine;
  if (const auto h = m.string("hyperparameter_law"))
    b.hyperparameter_law = *parse_hyperparameter_law(*h);
  if (const auto c = m.string("critical_batch")) b.critical_batch = *parse_critical_batch_law(*c);
  if (m.has("precision_quality")) {
    const YamlMap q = m.map("precision_quality");
    q.check_keys();
    b.precision_quality.clear();
    for (Precision p : all_precisions())
      if (const auto v = q.number(to_string(p))) b.precision_quality[p] = *v;
  }
  if (const auto o = m.number("fp4_overhead")) b.fp4_overhead = *o;
  // A run file's model section has none of the planner's architecture keys.
  if (!m.table->find("architectures")) {
    b.params_bounds = read_bounds(m, "params", kFixedParamsTolerance);
    remember_all(b, m);
    return;
  }
  if (m.has("architectures"))
    b.architectures = read_choice_list<Architecture>(
        m, "architectures", "[dense, moe]", [](const std::string& name) {
          return name == "dense" ? Architecture::kDense : Architecture::kMoe;
        });
  if (m.has("experts"))
    b.experts = read_choice_list<int>(m, "experts", "[8, 32]",
                                      [](const std::string& name) { return std::stoi(name); });
  if (const auto k = m.integer("top_k")) b.top_k = *k;
  if (b.top_k > *std::min_element(b.experts.begin(), b.experts.end()))
    m.fail(m.has("top_k") ? "top_k" : "experts",
           "top_k " + std::to_string(b.top_k) + " exceeds the fewest experts " +
               std::to_string(*std::min_element(b.experts.begin(), b.experts.end())));
  b.params_bounds = read_bounds(m, "params", kFixedParamsTolerance);
  remember_all(b, m);
}

/// data.sources: every pool with quality and half-life (Goyal et al.'s pools), or none (their
/// unique tokens add up to one Muennighoff pool).
void read_sources(const YamlMap& m, Budget& b) {
  const YAML::Node list = m.get("sources");
  if (!list.IsSequence() || list.size() == 0 || list.size() > kMaxDataPools)
    m.fail("sources", "expected a list of 1 to " + std::to_string(kMaxDataPools) +
                          " pools such as [{name: web, unique_tokens: 1e12}]");
  if (b.unique_tokens) m.fail("sources", "give data.unique_tokens or data.sources, not both");
  std::vector<DataPool> pools;
  std::optional<bool> with_quality;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].IsMap())
      throw InputError(position(m.file, list[i]), m.field("sources"),
                       "expected a mapping for each pool");
    const YamlMap item{list[i], m.file, m.field("sources") + "[" + std::to_string(i) + "]",
                       &source_keys()};
    item.check_keys();
    DataPool pool;
    pool.name = *item.string("name");
    pool.unique_tokens = *item.number("unique_tokens");
    const auto quality = item.number("quality");
    const auto half_life = item.number("half_life_epochs");
    if (quality && *quality >= 0)
      item.fail("quality", "must be in [-1, 0) (Goyal et al.'s b: the data term falls as D^b), "
                           "got " + fmt("%g", *quality));
    if (quality.has_value() != half_life.has_value())
      item.fail(quality ? "quality" : "half_life_epochs",
                "give quality and half_life_epochs together");
    if (with_quality && *with_quality != quality.has_value())
      item.fail("name", "give quality and half_life_epochs for every pool or for none");
    with_quality = quality.has_value();
    pool.quality = quality.value_or(0);
    pool.half_life_epochs = half_life.value_or(0);
    for (const DataPool& other : pools)
      if (other.name == pool.name)
        item.fail("name", "pool " + quote(pool.name) + " is listed twice");
    pools.push_back(pool);
  }
  if (*with_quality) {
    b.sources = std::move(pools);
    return;
  }
  double unique = 0;  // Muennighoff's single pool
  for (const DataPool& pool : pools) unique += pool.unique_tokens;
  b.unique_tokens = unique;
}

void read_data_section(const YamlMap& m, Budget& b) {
  m.check_keys();
  b.unique_tokens = m.number("unique_tokens");
  if (m.has("sources")) read_sources(m, b);
  b.tokens_bounds = read_bounds(m, "tokens");
  b.tokens_per_param_bounds = read_bounds(m, "tokens_per_param", kFixedTokensPerParamTolerance);
  b.max_epochs = m.number("max_epochs");
  if (b.max_epochs && !b.unique_tokens && b.sources.empty())
    m.fail("max_epochs", "needs data.unique_tokens or data.sources (epochs are D / unique tokens)");
  remember_all(b, m);
}

namespace {

void read_hardware(const YamlMap& m, Budget& b) {
  m.check_keys();
  for (const auto& [name, at] : m.names("gpu")) {
    b.positions["hardware.gpu[" + std::to_string(b.gpu_choices.size()) + "]"] = at;
    b.gpu_choices.push_back(name);
  }
  b.gpu = b.gpu_choices.front();
  // A price or a measured MFU belongs to one GPU type: with several, each pays its own table
  // price and gets its own step-time model.
  if (b.gpu_choices.size() > 1)
    for (const char* key : {"price_usd_per_gpu_hour", "mfu"})
      if (m.has(key))
        m.fail(key, "belongs to one GPU type, and hardware.gpu lists " +
                        std::to_string(b.gpu_choices.size()) +
                        ": name one GPU, or give each its own in a GPU table (scaleplan --gpus "
                        "FILE)");
  b.count = m.integer("count");
  b.max_count = m.integer("max_count");
  if (const auto p = m.string("pricing")) {
    b.pricing = *p == "spot" ? Pricing::kSpot
                : *p == "cheapest" ? Pricing::kCheapest
                                   : Pricing::kOnDemand;
  }
  read_hardware_run_keys(m, b);
  remember_all(b, m);
}

void read_inference(const YamlMap& m, Budget& b) {
  m.check_keys();
  InferenceBudget in;
  in.gpu = *m.string("gpu");
  if (const auto p = m.string("precision")) in.precision = *parse_serving_precision(*p);
  in.latency_ms_per_token = *m.number("latency_ms_per_token");
  in.ttft_ms = m.number("ttft_ms");
  if (const auto v = m.number("prompt_tokens")) in.prompt_tokens = *v;
  if (const auto v = m.number("tokens_per_query")) in.tokens_per_query = *v;
  if (const auto v = m.number("lifetime_queries")) in.lifetime_queries = *v;
  in.tensor_parallel = m.integer("tensor_parallel");
  if (in.tensor_parallel && (*in.tensor_parallel & (*in.tensor_parallel - 1)) != 0)
    throw InputError(m.pos("tensor_parallel"), m.field("tensor_parallel"),
                     "must be a power of two (1, 2, 4, 8, ...), got " +
                         std::to_string(*in.tensor_parallel));
  if (const auto v = m.number("decode_efficiency")) in.decode_efficiency = *v;
  remember_all(b, m);
  b.inference = in;
}

void read_value_table(const YamlMap& m, Roi& roi) {
  const YAML::Node table = m.get("value_table");
  if (!table.IsSequence() || table.size() < m.spec("value_table").min_items)
    m.fail("value_table", "expected a list of at least two [loss, usd_per_query] pairs");
  for (const YAML::Node& row : table) {
    if (!row.IsSequence() || row.size() != 2)
      throw InputError(position(m.file, row), m.field("value_table"),
                       "each row must be [loss, usd_per_query]");
    const double l = number_at(row[0], m.file, m.field("value_table"));
    const double v = number_at(row[1], m.file, m.field("value_table"));
    if (l <= 0 || v < 0)
      throw InputError(position(m.file, row), m.field("value_table"),
                       "loss must be > 0 and usd_per_query >= 0");
    roi.value_table.emplace_back(l, v);
  }
  auto sorted = roi.value_table;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].first == sorted[i - 1].first) m.fail("value_table", "a loss appears twice");
    if (sorted[i].second > sorted[i - 1].second)
      m.fail("value_table", "value must not rise with the loss");
  }
}

void read_roi(const YamlMap& m, Budget& b) {
  m.check_keys();
  Roi roi;
  roi.value_per_correct_answer_usd = m.number("value_per_correct_answer_usd");
  if (m.has("value_table")) read_value_table(m, roi);
  if (m.has("error_law")) {
    const YamlMap e = m.map("error_law");
    e.check_keys();
    if (const auto v = e.number("epsilon")) roi.error_law.epsilon = *v;
    if (const auto v = e.number("k")) roi.error_law.k = *v;
    if (const auto v = e.number("gamma")) roi.error_law.gamma = *v;
  }
  remember_all(b, m);
  b.roi = roi;
}

}  // namespace

Budget parse_budget(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file, budget_keys());
  root.check_keys();
  Budget b;
  b.positions[""] = root.pos();
  remember_all(b, root);
  read_budget_section(root.map("budget"), b);
  read_hardware(root.map("hardware"), b);
  if (root.has("model")) read_model_section(root.map("model"), b);
  if (root.has("data")) read_data_section(root.map("data"), b);
  if (root.has("inference")) read_inference(root.map("inference"), b);
  if (root.has("roi")) read_roi(root.map("roi"), b);
  if (const auto o = root.string("objective"))
    b.objective = *o == "minimize_cost"     ? Objective::kMinimizeCost
                  : *o == "maximize_profit" ? Objective::kMaximizeProfit
                                            : Objective::kMinimizeLoss;
  b.target_loss = root.number("target_loss");
  if (b.objective == Objective::kMinimizeCost && !b.target_loss)
    throw InputError(root.pos("objective"), "target_loss",
                     "missing: objective minimize_cost needs a target_loss");
  if (b.objective != Objective::kMinimizeCost && b.target_loss)
    root.fail("target_loss", "only used with objective: minimize_cost");
  if (b.objective == Objective::kMaximizeProfit && (!b.roi || !b.inference))
    throw InputError(root.pos("objective"), "objective",
                     "maximize_profit needs an inference: section and a roi: section");
  if (b.roi && b.objective != Objective::kMaximizeProfit)
    root.fail("roi", "only used with objective: maximize_profit");
  return b;
}

}  // namespace scaleplan
