#include "scaleplan/model/layout.hpp"

#include <algorithm>

namespace scaleplan {

std::string to_string(Recompute r) {
  switch (r) {
    case Recompute::kNone: return "none";
    case Recompute::kSelective: return "selective";
    case Recompute::kFull: return "full";
  }
  return "?";
}

std::optional<Recompute> parse_recompute(const std::string& name) {
  for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
    if (to_string(r) == name) return r;
  return std::nullopt;
}

std::string to_string(Kernels k) { return k == Kernels::kFused ? "fused" : "eager"; }

std::optional<Kernels> parse_kernels(const std::string& name) {
  if (name == "fused") return Kernels::kFused;
  if (name == "eager") return Kernels::kEager;
  return std::nullopt;
}

int sharding_ranks(const Layout& l) { return l.data_parallel * l.context_parallel; }

int expert_sharding_ranks(const Layout& l) {
  return std::max(1, sharding_ranks(l) / l.expert_parallel);
}

int gpus_of(const Layout& l) {
  return l.tensor_parallel * l.pipeline_parallel * l.context_parallel * l.data_parallel;
}

std::string layout_problem(const Layout& l, const Shape& shape, int seq_len) {
  const int tp = l.tensor_parallel;
  if (shape.n_head % tp != 0)
    return "tensor_parallel " + std::to_string(tp) + " does not divide n_head " +
           std::to_string(shape.n_head);
  if (shape.n_kv_heads % tp != 0 && tp % shape.n_kv_heads != 0)
    return "tensor_parallel " + std::to_string(tp) + " and n_kv_heads " +
           std::to_string(shape.n_kv_heads) + " must divide one another";
  if (l.pipeline_parallel * l.virtual_stages > shape.n_layer)
    return "pipeline_parallel x virtual_stages exceeds n_layer " + std::to_string(shape.n_layer);
  if (l.virtual_stages > 1 && l.pipeline_parallel == 1)
    return "virtual_stages need pipeline_parallel > 1";
  if (seq_len % l.context_parallel != 0)
    return "context_parallel " + std::to_string(l.context_parallel) + " does not divide seq_len " +
           std::to_string(seq_len);
  if (l.zero_stage < 0 || l.zero_stage > 3) return "zero_stage must be 0, 1, 2 or 3";
  if (l.expert_parallel > 1 && !is_moe(shape))
    return "expert_parallel " + std::to_string(l.expert_parallel) + " needs run.moe (experts)";
  if (is_moe(shape) && shape.moe.experts % l.expert_parallel != 0)
    return "expert_parallel " + std::to_string(l.expert_parallel) + " does not divide " +
           std::to_string(shape.moe.experts) + " experts";
  return "";
}

int layers_per_stage(const Shape& shape, const Layout& l) {
  return (shape.n_layer + l.pipeline_parallel - 1) / l.pipeline_parallel;
}

}  // namespace scaleplan
