#pragma once
/// The GPU throughput table (configs/gpus.yaml, or --gpus FILE), documented in docs/gpus.md.

#include <string>

#include "scaleplan/io/key_table.hpp"
#include "scaleplan/model/hardware.hpp"

namespace scaleplan {

/// The keys of a GPU table (key_table.hpp): `scaleplan schema gpus`.
const KeyTable& gpu_table_keys();
/// Upper limits of table values, far beyond any device (B200: 192 GB, 8 TB/s, 4.5 PFLOP/s dense
/// fp4): a larger figure is a typo, and one near the largest double would overflow the cost
/// model into a $0, 0-hour plan.
inline constexpr double kMaxMemoryGb = 1e6;          ///< a petabyte per device
inline constexpr double kMaxMemBwTbps = 1e6;
inline constexpr double kMaxTflops = 1e9;            ///< a zettaFLOP/s per device
inline constexpr double kMaxInterconnectGbps = 1e9;
inline constexpr double kMaxPriceUsdPerGpuHour = 1e6;

/// Parses a GPU table; throws InputError at the first bad field.
GpuTable parse_gpu_table(const std::string& text, const std::string& file);

}  // namespace scaleplan
