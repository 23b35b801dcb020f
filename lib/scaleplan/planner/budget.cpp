#include "scaleplan/planner/budget.hpp"

namespace scaleplan {

std::string_view budget_field(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::kUsd: return "budget.usd";
    case BudgetKind::kGpuHours: return "budget.gpu_hours";
    case BudgetKind::kFlops: return "budget.flops";
  }
  return "budget";
}

std::string to_string(Pricing p) {
  switch (p) {
    case Pricing::kOnDemand: return "on_demand";
    case Pricing::kSpot: return "spot";
    case Pricing::kCheapest: return "cheapest";
  }
  return "?";
}

std::string to_string(Objective o) {
  switch (o) {
    case Objective::kMinimizeLoss: return "minimize_loss";
    case Objective::kMinimizeCost: return "minimize_cost";
    case Objective::kMaximizeProfit: return "maximize_profit";
  }
  return "?";
}

SourcePos Budget::position_of(const std::string& field) const {
  for (std::string key = field;;) {  // fall back to the enclosing section's position
    if (auto it = positions.find(key); it != positions.end()) return it->second;
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) break;
    key.resize(dot);
  }
  auto it = positions.find("");
  return it == positions.end() ? SourcePos{} : SourcePos{it->second.file, 0, 0};
}

std::string to_string(Architecture a) { return a == Architecture::kDense ? "dense" : "moe"; }

}  // namespace scaleplan
