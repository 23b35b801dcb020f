#pragma once
/// Step time of a training run from its shape, layout and hardware: a per-layer analytical model
/// in the spirit of Calculon (Isaev et al. 2023) and Megatron's own accounting (Narayanan et al.
/// 2021; Korthikanti et al. 2022). Each constant and its source is in docs/models.md.

#include "scaleplan/model/architecture.hpp"
#include "scaleplan/model/hardware.hpp"
#include "scaleplan/model/layout.hpp"
#include "scaleplan/model/memory.hpp"

namespace scaleplan {

/// The precision a run's matmuls execute in: the training precision, except that fp32 training
/// runs its matmuls on tf32 tensor cores where the GPU has them. Its peak is the one step time
/// and MFU are measured against.
Precision matmul_precision(const Gpu& gpu, Precision p);

/// nccl-tests bus bandwidth over the link rate for large messages: 8 x A100 ring 233-235 GB/s of
/// 300 (0.78), 8 x H100 ring about 370 of 450 (0.82) (shared/REFERENCES.md, "Measured
/// collectives"): 0.80 for every scale-up domain.
inline constexpr double kScaleUpBusEfficiency = 0.80;
/// A 400 Gb/s NIC reaches 48-49 of 50 GB/s in nccl-tests (nccl-tests#267); multi-node DGX A100
/// all-reduce 192 GB/s of 8 x 25 (0.96).
inline constexpr double kScaleOutBusEfficiency = 0.96;
/// Fixed cost of one collective (ASSUMPTION, the order of NCCL's small-message latency): 10 us
/// inside a node, plus 5 us per hop of a tree across nodes (2 log2(nodes) hops).
inline constexpr double kCollectiveLatencyS = 10e-6;
inline constexpr double kScaleOutHopLatencyS = 5e-6;
/// A ring all-gather or reduce-scatter among n ranks on `nodes` nodes takes n - 1 steps in
/// sequence, nodes - 1 of them across the network: NCCL's own cost model (NVIDIA/nccl
/// src/graph/tuning.cc, ncclTopoTuneModel, Ring/Simple, the protocol of large messages) charges
/// 8.4 us once, 3.4 us per NVLink step and 14 us per network step (its baseLat and hwLat tables;
/// NCCL runs these two collectives only as rings, or as NVLS/CollNet/PAT in special set-ups).
inline constexpr double kRingBaseLatencyS = 8.4e-6;
inline constexpr double kRingNvlinkStepLatencyS = 3.4e-6;
inline constexpr double kRingNetworkStepLatencyS = 14.0e-6;
/// Memory-bound kernels (norms, residual adds, activation functions, optimizer) reach this share
/// of peak HBM bandwidth, plus a launch cost each (ASSUMPTIONS: streaming kernels typically
/// sustain 80-90% of peak; a kernel launch costs a few microseconds).
inline constexpr double kMemoryBoundFraction = 0.80;
inline constexpr double kKernelOverheadS = 4e-6;
/// Eager kernels (Kernels::kEager) against fused ones: 2.5x the memory-bound bytes and 0.60x
/// the attention rate. Calibrated on the 216 MosaicML llm-foundry rows of
/// shared/data/megatron_step_times.csv (Composer + FSDP, A100 and H100, 0.1-70B, 512-65k tokens;
/// mean absolute error 8.7% with them against 22% without); fused kernels need neither
/// (Korthikanti et al. 2022 Table 5: 2.8%). docs/models.md shows the fit.
inline constexpr double kEagerMemoryTrafficFactor = 2.5;
inline constexpr double kEagerAttentionFactor = 0.60;
/// Host work per optimizer step (data loading, logging, launch of the optimizer): ASSUMPTION.
inline constexpr double kStepOverheadS = 0.01;
/// FlashAttention's backward does 5 matrix products to the forward's 2 (Dao 2023, Sec. 3.1.2).
inline constexpr double kAttentionBackwardRatio = 2.5;
/// Adam step traffic per parameter: read fp32 master weight, both moments and the gradient, write
/// the three back and the 2-byte weight, plus the gradient-norm pass.
inline constexpr double kOptimizerBytesPerParam = 34;

/// The routed experts' grouped GEMMs run at this share of a dense GEMM's rate. DeepSeek-V2
/// (DeepSeek-AI 2024, Sec. 3.2.3): 172.8K H800 GPU-hours per trillion tokens for the MoE (21B
/// active of 236B) against 300.6K for the dense 67B, i.e. 0.575x the time for about 0.31x the
/// FLOPs per token, about 0.55x the dense model's realised FLOP/s (shared/REFERENCES.md, "MoE cost
/// evidence"). That figure is end to end (its all-to-all included), so charging it to the expert
/// GEMMs alone and the all-to-all separately is conservative.
inline constexpr double kGroupedGemmEfficiency = 0.55;
/// All-to-all reaches about 0.4 of the link rate (shared/REFERENCES.md, hardware notes,
/// "Measured collectives"), inside the NVLink domain and over the scale-out NIC alike.
inline constexpr double kAllToAllEfficiency = 0.40;
/// Share of a GPU's streaming multiprocessors that overlapped expert communication takes from
/// the compute it hides behind: DeepSeek-V3 (arXiv 2412.19437, Sec. 3.5 "Suggestions on Hardware
/// Design"): "we allocate 20 out of the 132 SMs available in the H800 GPU for this purpose" (and
/// Sec. 3.2.2: "only 20 SMs are sufficient to fully utilize the bandwidths of IB and NVLink").
/// ASSUMPTION: the same share on other GPUs, and compute slowed in proportion to the SMs lost.
inline constexpr double kCommunicationSmShare = 20.0 / 132.0;

/// One pass of one transformer layer for one micro-batch: kernels and exposed communication.
struct LayerPass {
  double gemm_s = 0, attention_s = 0, memory_s = 0;  ///< kernels
  double tp_comm_s = 0, cp_comm_s = 0;              ///< exposed communication
  double ep_comm_s = 0;  ///< expert-parallel all-to-all (dispatch and combine), exposed
  double kernels() const { return gemm_s + attention_s + memory_s; }
  double total() const { return kernels() + tp_comm_s + cp_comm_s + ep_comm_s; }
};

/// A layer's forward, backward and recomputed work for one micro-batch, and the output head's
/// (the last stage's). Depends on the shape, sequence, micro-batch, tensor and context
/// parallelism, recomputation and kernels only.
struct LayerCost {
  LayerPass forward, backward;
  LayerPass recompute;  ///< forward work redone in the backward
  double head_forward_s = 0, head_backward_s = 0;  ///< output head and cross-entropy
  double pipeline_message_bytes = 0;  ///< one stage-to-stage send of the activations
  double weights = 0;  ///< one layer's weights on one tensor- (and expert-) parallel rank
  double expert_weights = 0;  ///< of which routed experts
  /// All kernels of one layer for one micro-batch (forward, backward, recomputation).
  double kernels() const { return forward.kernels() + backward.kernels() + recompute.kernels(); }
};
LayerCost layer_cost(const Shape& shape, int seq_len, const Layout& layout, const Gpu& gpu,
                     Precision precision);

/// One micro-batch through the fullest pipeline stage (its layers, plus the output head on the
/// last stage), forward and backward. Independent of the data-parallel degree and of the number
/// of micro-batches, so the planner can cache it.
struct MicroBatchTime {
  double forward_s = 0, backward_s = 0;  ///< critical path, TP and CP communication included
  double compute_s = 0;                  ///< of which kernels (GEMMs, attention, memory-bound)
  double tp_comm_s = 0, cp_comm_s = 0;   ///< of which exposed communication
  double ep_comm_s = 0;
  double pipeline_message_bytes = 0;     ///< one stage-to-stage send
  double stage_params = 0;  ///< weights one GPU of the fullest stage holds (before ZeRO-3)
  double stage_expert_params = 0;  ///< of which routed experts
  double stage_layers = 0;  ///< transformer layers on one GPU of the fullest stage
};
MicroBatchTime micro_batch_time(const LayerCost& layer, const Shape& shape, const Layout& layout);
MicroBatchTime micro_batch_time(const Shape& shape, int seq_len, const Layout& layout,
                                const Gpu& gpu, Precision precision);

/// One optimizer step: `micro_batches` per data-parallel rank through the 1F1B pipeline
/// (bubble (p - 1) / v micro-batch times, Narayanan et al. 2021 Sec. 2.2), the data-parallel
/// gradient and weight collectives (overlapped with one micro-batch's backward and forward when
/// the layout overlaps them), the optimizer update and the host overhead. ZeRO 3 (FSDP) gathers
/// and reduce-scatters one unit at a time, each layer and the embedding/head unit (PyTorch
/// FSDP wraps each transformer block: Zhao et al. 2023, "PyTorch FSDP"), so each micro-batch pays
/// 3 (layers + 1) ring latencies, and prefetching hides a unit's collectives behind its
/// neighbour's compute but not the first unit's (nothing runs before it).
struct StepTime {
  double seconds = 0;
  double compute_s = 0;  ///< kernels over all micro-batches, bubble excluded
  double bubble_s = 0;
  double tp_comm_s = 0, cp_comm_s = 0, pp_comm_s = 0, dp_comm_s = 0;  ///< exposed
  double ep_comm_s = 0;  ///< expert-parallel all-to-all, exposed
  double optimizer_s = 0, overhead_s = 0;
  double bubble_fraction() const { return bubble_s / seconds; }
  double exposed_communication_fraction() const {
    return (tp_comm_s + cp_comm_s + ep_comm_s + pp_comm_s + dp_comm_s) / seconds;
  }
};
StepTime step_time(const MicroBatchTime& micro_batch, const Layout& layout, int micro_batches,
                   const Gpu& gpu);

/// Both steps at once, for callers that do not cache.
StepTime step_time(const Shape& shape, int seq_len, const Layout& layout, int micro_batches,
                   const Gpu& gpu, Precision precision);

/// Time of one dense matmul of m x k by k x n on the GPU's measured curve.
double matmul_seconds(double m, double n, double k, const Gpu& gpu, Precision precision);

/// Bus bandwidth (bytes/s) and latency of a collective among `ranks` GPUs spaced `stride` ranks
/// apart (ranks fill a node first): inside one scale-up domain, else over the scale-out network.
struct Link {
  double bytes_per_s = 0, latency_s = 0;
  double ring_latency_s = 0;  ///< of a ring all-gather or reduce-scatter (ring_latency_seconds)
};
/// NCCL's latency of a ring all-gather or reduce-scatter among `ranks` GPUs on `nodes` nodes:
/// kRingBaseLatencyS + (ranks - nodes) NVLink steps + (nodes - 1) network steps (tuning.cc).
double ring_latency_seconds(int ranks, int nodes);
Link collective_link(const Gpu& gpu, int ranks, int stride);
/// Ring all-reduce of `bytes` among `ranks` GPUs: latency + 2 (ranks - 1) / ranks x bytes / bus
/// bandwidth (the factor nccl-tests PERFORMANCE.md uses to turn algorithm into bus bandwidth);
/// 0 for one rank.
double all_reduce_seconds(double bytes, int ranks, const Link& link);
/// One all-to-all in which each of `ranks` GPUs (spaced `stride` apart) sends `bytes` split evenly
/// among them: alpha-beta, at kAllToAllEfficiency of the link rate; across nodes the share bound
/// for other nodes crosses the GPU's NIC while the rest crosses NVLink.
double all_to_all_seconds(double bytes, int ranks, int stride, const Gpu& gpu);

/// What one GPU sends in one expert-parallel all-to-all (a dispatch or a combine): bytes over
/// NVLink and over its scale-out NIC, and the nodes the expert-parallel group spans.
struct AllToAllTraffic {
  double scale_up_bytes = 0, scale_out_bytes = 0;
  double nodes = 1;
};
/// `tokens` tokens of `token_bytes` each, every one to `top_k` experts spread evenly over `ranks`
/// GPUs spaced `stride` apart (a node holds gpus_per_node / stride of them; n nodes in all).
/// Plain all-to-all (max_nodes_per_token 0): every (token, expert) copy is its own send, the
/// (ranks - per_node) / ranks bound for other nodes over the NIC, (per_node - 1) / ranks over
/// NVLink. Node-limited routing (DeepSeek-V3, Sec. 3.2.2): a token's experts lie on at most
/// D = min(top_k, max_nodes_per_token, n) nodes and it crosses the NIC once per destination node
/// other than its own ("first transmitted via IB to the GPUs with the same in-node index on its
/// target nodes"), D (n - 1) / n sends a token (ASSUMPTIONS: the D nodes are distinct and uniform
/// over the group, the worst case the limit allows); there it is "forwarded via NVLink to
/// specific GPUs that host their target experts": each copy whose expert is not on its entry GPU
/// crosses NVLink once, top_k (per_node - 1) / per_node sends a token. With top_k <= n and
/// max_nodes_per_token >= n the NIC carries what the plain all-to-all sends.
AllToAllTraffic expert_all_to_all_traffic(double tokens, int top_k, double token_bytes, int ranks,
                                          int stride, int gpus_per_node,
                                          int max_nodes_per_token);
/// Time of that traffic: latency (kCollectiveLatencyS, plus kScaleOutHopLatencyS per hop of a
/// tree over the nodes) and the slower of the two links at kAllToAllEfficiency of their rate
/// (NVLink and the NIC run at the same time: "communications via IB and NVLink are fully
/// overlapped", DeepSeek-V3 Sec. 3.2.2).
double all_to_all_seconds(const AllToAllTraffic& traffic, const Gpu& gpu);

/// Bytes per element an MoE dispatches its tokens in: 1 (FP8) when the run trains in fp8 or
/// fp4, else the activation's bytes. DeepSeek-V3 (Sec. 3.3.3, "Low-Precision Communication"):
/// "we quantize the activation before MoE up-projections into FP8 and then apply dispatch
/// components ... A similar strategy is applied to the activation gradient before MoE
/// down-projections" (the backward's dispatch); "for both the forward and backward combine
/// components, we retain them in BF16". ASSUMPTION for fp4: its GEMM inputs are cast to 8 bits
/// here as fp8's are (no published FP4 dispatch).
double dispatch_bytes_per_element(Precision precision);
/// Combine bytes per element: the activation's (BF16, 2; 4 for fp32/tf32 training).
double combine_bytes_per_element(Precision precision);

/// The all-to-all a step still waits for when it overlaps with another micro-batch's compute
/// (DeepSeek-V3's DualPipe, Sec. 3.2.1: "overlap the computation and communication within a pair
/// of individual forward and backward chunks", dispatch and combine of one micro-batch hidden
/// behind the attention and MLP of another). While the a2a runs it holds s = kCommunicationSmShare
/// of the SMs, so the compute beside it runs at 1 - s: the pair takes max(a2a, compute + s a2a),
/// and what the step pays beyond its compute is max(a2a - compute, s a2a): at most a2a, so
/// overlap never makes a step slower; at least s a2a, the SMs it takes.
double exposed_all_to_all_seconds(double all_to_all_s, double overlapped_compute_s);
/// The same for point-to-point sends between neighbours (a context-parallel ring, pipeline
/// stages): a send that leaves the node goes through one GPU's NIC, whatever the node's others do.
Link point_to_point_link(const Gpu& gpu, int ranks, int stride);

}  // namespace scaleplan
