#include "scaleplan/model/law.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "scaleplan/io/configs.hpp"

using namespace scaleplan;

namespace {
Law preset(const std::string& name) { return load_law(name, "", {}, "law"); }
}  // namespace

TEST_CASE("law: Hoffmann Approach 3 closed form at 5.76e23 FLOPs (Eq. 4)", "[law]") {
  // shared/REFERENCES.md: N = 3.219e10, D = 2.982e12, L = 1.9307 (computed from App. D.2).
  const Law preset_law = preset("hoffmann2022");
  const auto& law = std::get<ChinchillaLaw>(preset_law.form);
  const Allocation a = chinchilla_compute_optimal(law, 5.76e23);
  CHECK(a.params == Approx(3.219e10).epsilon(0.001));
  CHECK(a.tokens == Approx(2.982e12).epsilon(0.001));
  CHECK(a.loss == Approx(1.9307).margin(0.0001));
  CHECK(6 * a.params * a.tokens == Approx(5.76e23).epsilon(1e-12));
}

TEST_CASE("law: Epoch replication gives 72B on 1.33T tokens at 5.76e23 FLOPs", "[law]") {
  // Besiroglu et al. 2024 via shared/REFERENCES.md: N = 7.225e10, D = 1.329e12 (~20 tokens/param).
  const Law preset_law = preset("besiroglu2024");
  const auto& law = std::get<ChinchillaLaw>(preset_law.form);
  const Allocation a = chinchilla_compute_optimal(law, 5.76e23);
  CHECK(a.params == Approx(7.225e10).epsilon(0.002));
  CHECK(a.tokens == Approx(1.329e12).epsilon(0.002));
  CHECK(a.tokens / a.params == Approx(18.4).epsilon(0.01));
}

TEST_CASE("law: Chinchilla exponents a = beta/(alpha+beta) = 0.4516 (Approach 3)", "[law]") {
  // REFERENCES.md caution: the rounded constants give a = 0.4516, not Table 2's 0.46.
  const Law preset_law = preset("hoffmann2022");
  const auto& law = std::get<ChinchillaLaw>(preset_law.form);
  const Allocation lo = chinchilla_compute_optimal(law, 1e21);
  const Allocation hi = chinchilla_compute_optimal(law, 1e23);
  CHECK(std::log(hi.params / lo.params) / std::log(100.0) == Approx(0.4516).margin(1e-4));
}

TEST_CASE("law: Kaplan joint law reduces to L(N) = (N_c/N)^alpha_N as D grows (Eq. 1.5)",
          "[law]") {
  const Law law = preset("kaplan2020");
  const auto& k = std::get<KaplanLaw>(law.form);
  CHECK(loss(law, 1e9, 1e30) == Approx(std::pow(k.n_c / 1e9, k.alpha_n)).epsilon(1e-9));
}

TEST_CASE("law: analytic log-gradient matches finite differences", "[law]") {
  for (const std::string name : {"hoffmann2022", "kaplan2020"}) {
    const Law law = preset(name);
    const double n = 3e9, d = 7e10, h = 1e-6;
    const LogGradient g = loss_log_gradient(law.form, n, d);
    const double dn = (loss(law, n * std::exp(h), d) - loss(law, n * std::exp(-h), d)) / (2 * h);
    const double dd = (loss(law, n, d * std::exp(h)) - loss(law, n, d * std::exp(-h))) / (2 * h);
    CHECK(g.d_log_params == Approx(dn).epsilon(1e-6));
    CHECK(g.d_log_tokens == Approx(dd).epsilon(1e-6));
  }
}

TEST_CASE("law: interval from bootstrap samples brackets the quantiles", "[law]") {
  Law law = preset("hoffmann2022");
  CHECK_FALSE(loss_interval(law, 1e9, 2e10, 0.8).has_value());
  for (int i = 0; i <= 10; ++i) law.samples.push_back(ChinchillaLaw{1.6 + 0.02 * i, 406.4, 410.7, 0.34, 0.28});
  const auto iv = loss_interval(law, 1e9, 2e10, 0.8);
  REQUIRE(iv.has_value());
  const double base = loss(law.samples.front(), 1e9, 2e10);
  CHECK(iv->low == Approx(base + 0.02).epsilon(1e-9));   // 10th percentile of 11 evenly spaced
  CHECK(iv->high == Approx(base + 0.18).epsilon(1e-9));  // 90th percentile
}

TEST_CASE("law: extrapolation factor outside the fitted range", "[law]") {
  const FitRange r{1e8, 1e10, 1e9, 1e11};
  CHECK(extrapolation(r, 1e9, 1e10).params_factor == 1);
  CHECK(extrapolation(r, 1e12, 1e10).params_factor == Approx(100));
  CHECK(extrapolation(r, 1e9, 1e7).tokens_factor == Approx(100));
}
