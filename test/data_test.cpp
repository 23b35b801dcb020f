#include "scaleplan/model/data.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "scaleplan/io/configs.hpp"

using namespace scaleplan;

namespace {

/// Muennighoff et al. 2023, App. B Eq. 20 (a, b, e as logs) with App. A's decay constants.
DataConstrainedLaw muennighoff() {
  return {{std::exp(0.6254804), std::exp(6.255414), std::exp(7.3049974), 0.3526596, 0.3526596},
          kMuennighoffRdStar,
          kMuennighoffRnStar};
}

}  // namespace

TEST_CASE("data: the law prefers 6.34B/242B to 8.67B/178B at 9.3e21 FLOPs and 25B unique tokens",
          "[data]") {
  // shared/REFERENCES.md test vector (Muennighoff et al. 2023, Fig. 1): L 2.2256 against 2.2270.
  const DataConstrainedLaw law = muennighoff();
  const double preferred = data_constrained_loss(law, 6.34e9, 242e9, 25e9);
  const double other = data_constrained_loss(law, 8.67e9, 178e9, 25e9);
  CHECK(preferred == Approx(2.2256).margin(1e-4));
  CHECK(other == Approx(2.2270).margin(1e-4));
  CHECK(preferred < other);
}

TEST_CASE("data: U_N = N_opt(U_D) = 0.050987 U_D under App. B's base law", "[data]") {
  const DataConstrainedLaw law = muennighoff();
  CHECK(optimal_params_for_data(law.base, 25e9) == Approx(0.050987 * 25e9).epsilon(1e-4));
  CHECK(unique_params(law.base, 1e9, 25e9) == 1e9);  // below N_opt(U_D): every parameter counts
  CHECK(unique_params(law.base, 1e10, 25e9) == Approx(0.050987 * 25e9).epsilon(1e-4));
}

TEST_CASE("data: effective data and parameters follow Eq. 5 and Eq. 6", "[data]") {
  // One epoch: nothing repeated, D' = D; N <= U_N: N' = N.
  CHECK(effective_data(1e10, 1e10) == 1e10);
  CHECK(effective_data(1e10, 0) == 1e10);
  CHECK(data_repetitions(4e10, 1e10) == Approx(3));
  // R_D = 3: D' = U (1 + R* (1 - e^(-3/R*))).
  CHECK(effective_data(4e10, 1e10) ==
        Approx(1e10 * (1 + kMuennighoffRdStar * (1 - std::exp(-3 / kMuennighoffRdStar)))));
  // Many epochs: D' tends to U_D (1 + R_D*), the value of repeating never passes it.
  CHECK(effective_data(1e10 * 1e4, 1e10) == Approx(1e10 * (1 + kMuennighoffRdStar)).epsilon(1e-9));
  const DataConstrainedLaw law = muennighoff();
  const double u_n = optimal_params_for_data(law.base, 1e10);
  CHECK(effective_params(law.base, 0.5 * u_n, 1e10) == Approx(0.5 * u_n));
  CHECK(effective_params(law.base, 3 * u_n, 1e10) ==
        Approx(u_n * (1 + kMuennighoffRnStar * (1 - std::exp(-2 / kMuennighoffRnStar)))));
  // Excess parameters decay faster than repeated tokens (R_N* < R_D*, Sec. 3.1).
  CHECK(kMuennighoffRnStar < kMuennighoffRdStar);
}

TEST_CASE("data: up to 4 epochs of repeated data change the loss little, 40 a lot", "[data]") {
  // Muennighoff et al. 2023, abstract: up to 4 epochs "yields negligible changes to loss"
  // compared with unique data; returns vanish past about 16 epochs.
  const DataConstrainedLaw law = muennighoff();
  const double n = 8.7e9, d = 178e9;
  const double unique = data_constrained_loss(law, n, d, 0);
  const double four = data_constrained_loss(law, n, d, d / 4);
  const double forty = data_constrained_loss(law, n, d, d / 40);
  CHECK((four - unique) / unique < 0.01);
  CHECK((forty - unique) / unique > 3 * (four - unique) / unique);
}

TEST_CASE(
    "data: the muennighoff2023 preset reproduces the paper's 70.0B on 1.37T at Gopher's "
    "budget",
    "[data][law]") {
  // Muennighoff et al. 2023, App. B: with the C4 refit, N_opt = 70.0B, D_opt = 1.37T at
  // C = 5.76e23.
  const Law law = load_law("muennighoff2023", "", {}, "law");
  const Allocation a = compute_optimal(law.form, 5.76e23);
  CHECK(a.params == Approx(70.0e9).epsilon(0.001));
  CHECK(a.tokens == Approx(1.37e12).epsilon(0.002));
  // Every token unique at the optimum: the loss is the base law's.
  CHECK(a.loss ==
        Approx(loss(ChinchillaLaw(std::get<DataConstrainedLaw>(law.form).base), a.params, a.tokens))
            .epsilon(1e-12));
}
