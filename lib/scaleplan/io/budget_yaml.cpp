#include "scaleplan/io/budget_yaml.hpp"

#include <algorithm>

#include "scaleplan/io/gpus_yaml.hpp"  // kMaxPriceUsdPerGpuHour

namespace scaleplan {

void remember_position(Budget& b, const YamlMap& m, const std::string& key) {
  if (m.has(key)) b.positions[m.field(key)] = m.pos(key);
}

namespace {

void remember(Budget& b, const YamlMap& m, const std::string& key) {
  remember_position(b, m, key);
}

void read_budget_section(const YamlMap& m, Budget& b) {
  m.check_keys({"usd", "gpu_hours", "flops", "deadline_hours"});
  const std::vector<std::pair<std::string, BudgetKind>> kinds = {
      {"usd", BudgetKind::kUsd}, {"gpu_hours", BudgetKind::kGpuHours}, {"flops", BudgetKind::kFlops}};
  std::string given;
  for (const auto& [key, kind] : kinds) {
    if (!m.has(key)) continue;
    if (!given.empty())
      m.fail(key, "give exactly one of usd, gpu_hours or flops (" + given + " is also given)");
    given = key;
    b.kind = kind;
    b.amount = *m.positive(key);
    remember(b, m, key);
  }
  if (given.empty())
    throw InputError(m.pos(), m.path, "missing amount: give one of usd, gpu_hours or flops");
  b.deadline_hours = m.positive("deadline_hours");
  remember(b, m, "deadline_hours");
}

void read_price(const YamlMap& m, Budget& b) {
  const std::string key = "price_usd_per_gpu_hour";
  if (!m.has(key)) return;
  remember(b, m, key);
  if (m.get(key).IsScalar()) {
    b.price_on_demand_usd_per_gpu_hour = m.positive(key, kMaxPriceUsdPerGpuHour);
    return;
  }
  const YamlMap prices = m.map(key);
  prices.check_keys({"on_demand", "spot"});
  b.price_on_demand_usd_per_gpu_hour = prices.positive("on_demand", kMaxPriceUsdPerGpuHour);
  b.price_spot_usd_per_gpu_hour = prices.positive("spot", kMaxPriceUsdPerGpuHour);
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
      throw InputError(
          position(m.file, item), m.field("precisions"),
          "unknown precision " + quote(name) + " (choose fp32, tf32, bf16, fp8 or fp4)");
    if (std::find(b.precisions.begin(), b.precisions.end(), *p) != b.precisions.end())
      throw InputError(position(m.file, item), m.field("precisions"),
                       "precision " + quote(name) + " is listed twice");
    b.precisions.push_back(*p);
  }
}

}  // namespace

void read_price_and_mfu(const YamlMap& m, Budget& b) {
  read_price(m, b);
  b.mfu = m.positive("mfu", 1);
  remember(b, m, "mfu");
}

void read_model_section(const YamlMap& m, Budget& b) {
  m.check_keys({"law", "flops_per_token", "precisions", "seq_len", "schedule"});
  if (const auto law = m.string("law")) b.law = *law;
  if (const auto f = m.choice("flops_per_token", {"6N", "detailed"}))
    b.flops_per_token = *f == "6N" ? FlopsConvention::k6N : FlopsConvention::kDetailed;
  read_precisions(m, b);
  if (const auto s = m.positive_int("seq_len")) b.seq_len = *s;
  if (const auto s = m.choice("schedule", {"wsd", "cosine"}))
    b.schedule = *s == "wsd" ? ScheduleKind::kWsd : ScheduleKind::kCosine;
  for (const char* key : {"law", "flops_per_token", "precisions", "seq_len", "schedule"})
    remember(b, m, key);
}

void read_data_section(const YamlMap& m, Budget& b) {
  m.check_keys({"unique_tokens"});
  b.unique_tokens = m.positive("unique_tokens");
  remember(b, m, "unique_tokens");
}

namespace {

void read_hardware(const YamlMap& m, Budget& b) {
  m.check_keys({"gpu", "count", "max_count", "pricing", "price_usd_per_gpu_hour", "mfu",
                "spot_interruptions_per_hour", "gpus_per_instance", "checkpoint_write_gbps"});
  const auto gpu = m.string("gpu");
  if (!gpu) throw InputError(m.pos(), m.field("gpu"), "missing: name a GPU from `scaleplan gpus`");
  b.gpu = *gpu;
  b.count = m.positive_int("count");
  b.max_count = m.positive_int("max_count");
  if (b.count && b.max_count) m.fail("max_count", "give count or max_count, not both");
  if (!b.count && !b.max_count)
    throw InputError(m.pos(), m.field("count"), "missing: give count or max_count");
  if (const auto p = m.choice("pricing", {"on_demand", "spot", "cheapest"})) {
    b.pricing = *p == "spot" ? Pricing::kSpot
                : *p == "cheapest" ? Pricing::kCheapest
                                   : Pricing::kOnDemand;
  }
  read_price_and_mfu(m, b);
  if (const auto r = m.non_negative("spot_interruptions_per_hour"))
    b.spot.interruptions_per_instance_hour = *r;
  if (const auto g = m.positive_int("gpus_per_instance")) b.spot.gpus_per_instance = *g;
  if (const auto w = m.positive("checkpoint_write_gbps")) b.spot.checkpoint_write_gbps = *w;
  for (const char* key : {"gpu", "count", "max_count", "pricing", "spot_interruptions_per_hour",
                          "gpus_per_instance", "checkpoint_write_gbps"})
    remember(b, m, key);
}

void read_inference(const YamlMap& m, Budget& b) {
  m.check_keys({"gpu", "precision", "latency_ms_per_token", "ttft_ms", "prompt_tokens",
                "tokens_per_query", "lifetime_queries"});
  InferenceBudget in;
  const auto gpu = m.string("gpu");
  if (!gpu) throw InputError(m.pos(), m.field("gpu"), "missing: the serving GPU");
  in.gpu = *gpu;
  if (const auto p = m.choice("precision", {"bf16", "fp8", "int8", "int4"}))
    in.precision = *parse_serving_precision(*p);
  const auto cap = m.positive("latency_ms_per_token");
  if (!cap) throw InputError(m.pos(), m.field("latency_ms_per_token"), "missing: the decode latency cap");
  in.latency_ms_per_token = *cap;
  in.ttft_ms = m.positive("ttft_ms");
  if (const auto v = m.non_negative("prompt_tokens")) in.prompt_tokens = *v;
  if (const auto v = m.positive("tokens_per_query")) in.tokens_per_query = *v;
  if (const auto v = m.non_negative("lifetime_queries")) in.lifetime_queries = *v;
  for (const char* key : {"gpu", "precision", "latency_ms_per_token", "ttft_ms", "prompt_tokens",
                          "tokens_per_query", "lifetime_queries"})
    remember(b, m, key);
  b.inference = in;
}

void read_roi(const YamlMap& m, Budget& b) {
  m.check_keys({"value_per_correct_answer_usd", "value_table", "error_law"});
  Roi roi;
  roi.value_per_correct_answer_usd = m.positive("value_per_correct_answer_usd");
  if (m.has("value_table")) {
    if (roi.value_per_correct_answer_usd)
      m.fail("value_table", "give value_per_correct_answer_usd or value_table, not both");
    const YAML::Node table = m.get("value_table");
    if (!table.IsSequence() || table.size() < 2)
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
      if (sorted[i].first == sorted[i - 1].first)
        m.fail("value_table", "a loss appears twice");
      if (sorted[i].second > sorted[i - 1].second)
        m.fail("value_table", "value must not rise with the loss");
    }
  }
  if (!roi.value_per_correct_answer_usd && roi.value_table.empty())
    throw InputError(m.pos(), m.field("value_per_correct_answer_usd"),
                     "missing: give value_per_correct_answer_usd or value_table");
  if (m.has("error_law")) {
    const YamlMap e = m.map("error_law");
    e.check_keys({"epsilon", "k", "gamma"});
    if (const auto v = e.positive("epsilon")) roi.error_law.epsilon = *v;
    if (const auto v = e.positive("k")) roi.error_law.k = *v;
    if (const auto v = e.positive("gamma")) roi.error_law.gamma = *v;
  }
  for (const char* key : {"value_per_correct_answer_usd", "value_table"}) remember(b, m, key);
  b.roi = roi;
}

}  // namespace

Budget parse_budget(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file);
  root.check_keys({"budget", "hardware", "model", "data", "objective", "target_loss", "inference",
                   "roi"});
  Budget b;
  b.positions[""] = root.pos();
  for (const char* section : {"budget", "hardware"})
    if (!root.has(section)) throw InputError(root.pos(), section, "missing section");
  for (const char* section : {"budget", "hardware", "model", "data"}) remember(b, root, section);
  read_budget_section(root.map("budget"), b);
  read_hardware(root.map("hardware"), b);
  if (root.has("model")) read_model_section(root.map("model"), b);
  if (root.has("data")) read_data_section(root.map("data"), b);
  if (root.has("inference")) read_inference(root.map("inference"), b);
  if (root.has("roi")) read_roi(root.map("roi"), b);
  if (const auto o = root.choice("objective", {"minimize_loss", "minimize_cost", "maximize_profit"}))
    b.objective = *o == "minimize_cost"     ? Objective::kMinimizeCost
                  : *o == "maximize_profit" ? Objective::kMaximizeProfit
                                            : Objective::kMinimizeLoss;
  b.target_loss = root.positive("target_loss");
  for (const char* key : {"objective", "target_loss", "inference", "roi"}) remember(b, root, key);
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
