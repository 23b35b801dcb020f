#include "scaleplan/planner/proposed_run.hpp"

namespace scaleplan {

SourcePos ProposedRun::position_of(const std::string& field) const {
  if (auto it = positions.find(field); it != positions.end()) return it->second;
  return context.position_of(field);
}

}  // namespace scaleplan
