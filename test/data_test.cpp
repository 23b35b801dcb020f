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

TEST_CASE("data: Kaplan's N_opt(U_D) is the compute-optimal N of the budget where D_opt = U_D",
          "[data]") {
  // The closed form N_c (p D / D_c)^(1/p) against the numerical optimum of compute_optimal.
  const Law law = load_law("kaplan2020", "", {}, "law");
  for (double flops : {1e20, 1e22, 1e24}) {
    const Allocation a = compute_optimal(law.form, flops);
    CHECK(optimal_params_for_data(law.form, a.tokens) == Approx(a.params).epsilon(1e-4));
  }
  // The Chinchilla forms: the base law's closed form.
  const DataConstrainedLaw m = muennighoff();
  CHECK(optimal_params_for_data(LawForm(m), 25e9) == optimal_params_for_data(m.base, 25e9));
}

TEST_CASE("data: data_terms apply App. A's constants to any law of N and D on limited data",
          "[data]") {
  const Law law = load_law(kDefaultLaw, "", {}, "law");
  // No unique-token count: the law sees N and D as they are.
  const DataTerms none = data_terms(law.form, 7e10, 1.4e12, 0);
  CHECK_FALSE(none.applies);
  CHECK(none.effective_params == 7e10);
  CHECK(none.effective_tokens == 1.4e12);
  // Ten epochs of 1e11 on an over-sized model: D' and N' of Eq. 5-6 with U_N from this law.
  const DataTerms t = data_terms(law.form, 1e11, 1e12, 1e11);
  REQUIRE(t.applies);
  CHECK(t.epochs == Approx(10));
  CHECK(t.r_d_star == kMuennighoffRdStar);
  CHECK(t.r_n_star == kMuennighoffRnStar);
  CHECK(t.effective_tokens == Approx(effective_data(1e12, 1e11)));
  const double u_n = optimal_params_for_data(law.form, 1e11);
  CHECK(t.unique_params == Approx(u_n));
  CHECK(t.effective_params ==
        Approx(u_n *
               (1 + kMuennighoffRnStar * -std::expm1(-(1e11 / u_n - 1) / kMuennighoffRnStar))));
  // Unused data still support parameters: below one epoch the excess is against N_opt(U).
  const DataTerms part = data_terms(law.form, 1e11, 1e11, 1e13);
  CHECK(part.effective_tokens == 1e11);
  CHECK(part.unique_params == 1e11);  // N_opt(1e13) is above 1e11
  CHECK(part.effective_params == 1e11);
  // The law's evaluate with unique tokens is the base law at N', D'.
  CHECK(evaluate(law.form, {.params = 1e11, .tokens = 1e12, .unique_tokens = 1e11}) ==
        Approx(loss(law, t.effective_params, t.effective_tokens)).epsilon(1e-12));
  // muennighoff2023 keeps its own constants and applies them without a unique-token count.
  DataConstrainedLaw own = muennighoff();
  own.r_d_star = 3;
  const DataTerms m = data_terms(own, 1e9, 1e11, 1e10);
  CHECK(m.r_d_star == 3);
  CHECK(data_terms(own, 1e9, 1e10, 0).applies);
  CHECK(base_loss(own, m.effective_params, m.effective_tokens) ==
        Approx(data_constrained_loss(own, 1e9, 1e11, 1e10)).epsilon(1e-12));
}

TEST_CASE("data: tokens_for_effective_data inverts Eq. 5 and refuses the plateau", "[data]") {
  for (double d : {5e9, 1e10, 3e10, 2e11, 1e12}) {
    const auto back = tokens_for_effective_data(effective_data(d, 1e10), 1e10, kMuennighoffRdStar);
    REQUIRE(back);
    CHECK(*back == Approx(d).epsilon(1e-9));
  }
  CHECK_FALSE(tokens_for_effective_data(1e10 * (1 + kMuennighoffRdStar), 1e10, kMuennighoffRdStar));
}

TEST_CASE("data: more unique data never raises the loss of a fixed run", "[data][property]") {
  const Law law = load_law(kDefaultLaw, "", {}, "law");
  for (double n : {1e9, 3e10, 1e12})
    for (double d : {1e10, 1e11, 1e13}) {
      double previous = INFINITY;
      for (double u : {1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14}) {
        const double l = evaluate(law.form, {.params = n, .tokens = d, .unique_tokens = u});
        CHECK(l <= previous * (1 + 1e-12));
        previous = l;
      }
    }
}
