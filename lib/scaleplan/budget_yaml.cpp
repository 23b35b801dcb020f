#include "scaleplan/budget_yaml.hpp"

#include <algorithm>

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
    b.price_on_demand_usd_per_gpu_hour = m.positive(key);
    return;
  }
  const YamlMap prices = m.map(key);
  prices.check_keys({"on_demand", "spot"});
  b.price_on_demand_usd_per_gpu_hour = prices.positive("on_demand");
  b.price_spot_usd_per_gpu_hour = prices.positive("spot");
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
                       "unknown precision '" + name + "' (choose fp32, tf32, bf16, fp8 or fp4)");
    if (std::find(b.precisions.begin(), b.precisions.end(), *p) != b.precisions.end())
      throw InputError(position(m.file, item), m.field("precisions"),
                       "precision '" + name + "' is listed twice");
    b.precisions.push_back(*p);
  }
}

}  // namespace

void read_price_and_mfu(const YamlMap& m, Budget& b) {
  read_price(m, b);
  b.mfu = m.positive("mfu");
  if (b.mfu && *b.mfu > 1) m.fail("mfu", "must be <= 1, got " + m.get("mfu").Scalar());
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

}  // namespace

Budget parse_budget(const std::string& text, const std::string& file) {
  const YamlMap root = root_map(parse_yaml(text, file), file);
  root.check_keys({"budget", "hardware", "model", "data"});
  Budget b;
  b.positions[""] = root.pos();
  for (const char* section : {"budget", "hardware"})
    if (!root.has(section)) throw InputError(root.pos(), section, "missing section");
  for (const char* section : {"budget", "hardware", "model", "data"}) remember(b, root, section);
  read_budget_section(root.map("budget"), b);
  read_hardware(root.map("hardware"), b);
  if (root.has("model")) read_model_section(root.map("model"), b);
  if (root.has("data")) read_data_section(root.map("data"), b);
  return b;
}

}  // namespace scaleplan
