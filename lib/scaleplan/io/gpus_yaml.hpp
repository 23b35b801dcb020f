#pragma once
/// The GPU throughput table (configs/gpus.yaml, or --gpus FILE), documented in docs/gpus.md.

#include <string>

#include "scaleplan/io/key_table.hpp"
#include "scaleplan/model/hardware.hpp"

namespace scaleplan {

/// The keys of a GPU table (key_table.hpp): `scaleplan schema gpus`.
const KeyTable& gpu_table_keys();

/// Parses a GPU table; throws InputError at the first bad field.
GpuTable parse_gpu_table(const std::string& text, const std::string& file);

}  // namespace scaleplan
