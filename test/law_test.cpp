#include "scaleplan/model/law.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "scaleplan/io/configs.hpp"
#include "scaleplan/io/law_yaml.hpp"

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

TEST_CASE("law: Kaplan joint law reduces to L(N) = (N_c/N)^alpha_N as D grows (Eq. 1.5)", "[law]") {
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
  for (int i = 0; i <= 10; ++i)
    law.samples.push_back(ChinchillaLaw{1.6 + 0.02 * i, 406.4, 410.7, 0.34, 0.28});
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

TEST_CASE("law: Gadre's L(C, M) is the Chinchilla form with alpha = beta = 2 eta, A = a 6^-eta",
          "[law]") {
  // Gadre et al. 2024, Eq. 4, with App. F Table 6's C4 constants.
  const Law law = preset("gadre2024_c4");
  const auto& g = std::get<OvertrainingLaw>(law.form);
  CHECK(g.e == 1.51);
  CHECK(g.a == 141);
  CHECK(g.b == 190);
  CHECK(g.eta == 0.121);
  const ChinchillaLaw c = to_chinchilla(g);
  CHECK(c.alpha == Approx(0.242));
  CHECK(c.beta == Approx(0.242));
  CHECK(c.a == Approx(141 * std::pow(6.0, -0.121)));
  for (const double n : {1.1e7, 4.1e8, 6.9e9})
    for (const double d : {2e8, 1.4e10, 9e11}) {
      const double cflops = 6 * n * d, m = d / n;
      const double eq4 =
          1.51 + (141 * std::pow(m, 0.121) + 190 * std::pow(m, -0.121)) * std::pow(cflops, -0.121);
      CHECK(loss(law, n, d) == Approx(eq4).epsilon(1e-12));
      CHECK(loss(c, n, d) == Approx(eq4).epsilon(1e-12));
    }
  const OvertrainingLaw back = to_overtraining(c);
  CHECK(back.a == Approx(141).epsilon(1e-12));
  CHECK(back.eta == Approx(0.121).epsilon(1e-12));
}

TEST_CASE("law: the three Gadre presets carry App. F Table 6's constants", "[law]") {
  // Gadre et al. 2024, App. F Table 6 (E, a, b, eta) by training set.
  const struct {
    const char* preset;
    double e, a, b, eta;
  } table6[] = {{"gadre2024_c4", 1.51, 141, 190, 0.121},
                {"gadre2024_redpajama", 1.84, 212, 367, 0.136},
                {"gadre2024_refinedweb", 1.73, 157, 246, 0.127}};
  for (const auto& row : table6) {
    INFO(row.preset);
    const Law law = preset(row.preset);
    const auto& g = std::get<OvertrainingLaw>(law.form);
    CHECK(g.e == row.e);
    CHECK(g.a == row.a);
    CHECK(g.b == row.b);
    CHECK(g.eta == row.eta);
    // Over-training costs loss at fixed compute: M = 640 above M = 20 (Gadre et al. Fig. 2).
    const double c = 1e21;
    const auto at = [&](double m) {
      const double n = std::sqrt(c / (6 * m));
      return loss(preset(row.preset), n, m * n);
    };
    CHECK(at(640) > at(20));
  }
}

TEST_CASE("law: Gadre's RedPajama law predicts the released 1.4B, 921B-token run within 1.5%",
          "[law]") {
  // The testbed's rpj-open_lm_1b-32.0 (mlfoundations/scaling exp_data/models): 1,439,795,200
  // params, 921,468,928,000 tokens (M = 640), C4-validation loss 2.50205. The paper reports the
  // 1.4B/900B run predicted within 0.7% by its small-run fit; Table 6 (all runs) gives 1.4%.
  const Law law = preset("gadre2024_redpajama");
  const double predicted = loss(law, 1439795200.0, 921468928000.0);
  CHECK(predicted == Approx(2.536).margin(0.001));
  CHECK(std::abs(predicted - 2.50205) / 2.50205 < 0.015);
}

TEST_CASE("law: DeepSeek's laws give the 7B model's batch and learning rate", "[law]") {
  // DeepSeek LLM 2024: 7B = 30 layers, d_model 4096, sequence 4096, 2.0T tokens; Eq. 2
  // M = 72 n_layer d^2 + 12 n_layer d l_seq; Table 2 uses batch 2304 x 4096 = 9.4M tokens and
  // learning rate 4.2e-4. Eq. 1 gives 9.2M and 4.25e-4 (shared/REFERENCES.md).
  const Law law = preset("deepseek2024");
  const auto& a = std::get<AllocationLaw>(law.form);
  const double m = 72.0 * 30 * 4096 * 4096 + 12.0 * 30 * 4096 * 4096;
  const double c = m * 2.0e12;
  const double batch = a.batch_coef * std::pow(c, a.batch_exp);
  const double lr = a.lr_coef * std::pow(c, a.lr_exp);
  CHECK(batch == Approx(2304.0 * 4096).epsilon(0.03));
  CHECK(lr == Approx(4.2e-4).epsilon(0.02));
  // Eq. 4: M_opt D_opt = C (the two coefficients multiply to 1.0001).
  const Allocation opt = compute_optimal(law.form, 1e21);
  CHECK(6 * opt.params * opt.tokens == Approx(1e21).epsilon(0.002));
  CHECK(std::isnan(loss(law, 7e9, 2e12)));
}

TEST_CASE("law: Porian's tuned law gives about 77B parameters at 5.76e23 FLOPs", "[law]") {
  // shared/REFERENCES.md: N* = 0.1189 C^0.4969, D* = 1.401 C^0.5031 (about 77B, computed).
  const Law law = preset("porian2024");
  const Allocation a = compute_optimal(law.form, 5.76e23);
  CHECK(a.params == Approx(77e9).epsilon(0.015));
  CHECK(6 * a.params * a.tokens == Approx(5.76e23).epsilon(0.003));
  // The exponent a = 0.497 is Chinchilla's 0.5 (Hoffmann Approaches 1-2), not Kaplan's 0.73.
  const Allocation b = compute_optimal(law.form, 5.76e25);
  CHECK(std::log(b.params / a.params) / std::log(100.0) == Approx(0.4969).margin(1e-9));
}

TEST_CASE("law: the MaMMUT refit reproduces the authors' 82.0% prediction for L/14 at 12.8B",
          "[law]") {
  // Nezhurina et al. 2025: the published prediction for MaMMUT ViT-L/14 at 12.8B samples is
  // 82.0% ImageNet zero-shot; 202.56 GFLOPs per sample (the authors' model_profile.csv). The
  // refit (shared/REFERENCES.md) gives 82.1%.
  const Law mammut = preset("nezhurina2025_mammut");
  const double flops = 202.56e9 * 12.8e9;
  const double error = evaluate(mammut.form, {.flops = flops});
  CHECK(1 - error == Approx(0.820).margin(0.002));
  // The paper's finding: MaMMUT scales better than CLIP and overtakes it at large compute (in
  // the refit, near 1e20 FLOPs).
  const Law clip = preset("nezhurina2025_clip");
  CHECK(evaluate(mammut.form, {.flops = 1e18}) > evaluate(clip.form, {.flops = 1e18}));
  for (double c = 1e21; c <= 1e24; c *= 10)
    CHECK(evaluate(mammut.form, {.flops = c}) < evaluate(clip.form, {.flops = c}));
  CHECK(std::isnan(evaluate(mammut.form, {.params = 1e9, .tokens = 1e10})));
}

TEST_CASE("law: time-series exponents are an order of magnitude below text's (Yao et al.)",
          "[law]") {
  const Law n = preset("yao2024_encoder_params");
  const Law d = preset("yao2024_encoder_tokens");
  CHECK(evaluate(n.form, {.params = 1e8}) == Approx(std::pow(3.7e16 / 1e8, 0.029)));
  CHECK(evaluate(d.form, {.tokens = 1e9}) == Approx(std::pow(5.3e12 / 1e9, 0.094)));
  CHECK(evaluate(preset("yao2024_decoder_params").form, {.params = 1e8}) ==
        Approx(std::pow(2.0e34 / 1e8, 0.015)));
  const double text_alpha = std::get<ChinchillaLaw>(preset("hoffmann2022").form).alpha;
  CHECK(std::get<PowerLaw>(n.form).alpha < text_alpha / 10);
  CHECK(required_inputs(d.form) == std::vector<std::string>{"tokens"});
}

TEST_CASE("law: every preset loads, and plan is told which it cannot use", "[law]") {
  const std::vector<std::string> plannable = {
      "besiroglu2024", "gadre2024_c4", "gadre2024_redpajama", "gadre2024_refinedweb",
      "hoffmann2022",  "kaplan2020",   "ludziejewski2025", "muennighoff2023"};
  for (const std::string& name : law_presets()) {
    INFO(name);
    const Law law = preset(name);
    CHECK(law_problem(law.form).empty());
    const bool can = std::find(plannable.begin(), plannable.end(), name) != plannable.end();
    CHECK(plan_use_problem(law).empty() == can);
  }
  CHECK(plan_use_problem(preset("porian2024")) ==
        "law 'porian2024' (form allocation, text) predicts the compute-optimal N and D from "
        "flops alone; plan needs a law of loss in N and D (`scaleplan laws` lists them; try "
        "`scaleplan predict --law porian2024`)");
  CHECK(plan_use_problem(preset("yao2024_encoder_params")) ==
        "law 'yao2024_encoder_params' (form power, time series) predicts validation negative "
        "log-likelihood (in distribution) from params alone; plan needs a law of loss in N and "
        "D (`scaleplan laws` lists them; try `scaleplan predict --law yao2024_encoder_params`)");
}

TEST_CASE("law: analytic log-gradients of the new forms match finite differences", "[law]") {
  for (const std::string name : {"gadre2024_c4", "muennighoff2023"}) {
    const Law law = preset(name);
    // The second point has N above N_opt(D): excess parameters, U_N depends on D.
    for (const auto& [n, d] : {std::pair{3e9, 7e10}, std::pair{5e10, 2e10}}) {
      INFO(name << " at N " << n << ", D " << d);
      const double h = 1e-6;
      const LogGradient g = loss_log_gradient(law.form, n, d);
      const double dn = (loss(law, n * std::exp(h), d) - loss(law, n * std::exp(-h), d)) / (2 * h);
      const double dd = (loss(law, n, d * std::exp(h)) - loss(law, n, d * std::exp(-h))) / (2 * h);
      CHECK(g.d_log_params == Approx(dn).epsilon(1e-5));
      CHECK(g.d_log_tokens == Approx(dd).epsilon(1e-5));
    }
  }
}

TEST_CASE("law: the search domain covers the fitted range and the budget's optimum", "[law]") {
  // A law fitted on 0.4M-10M params: the domain reaches 10x below and 100x above, where the
  // fixed [1e7, 1e14] of before could not plan its next budget.
  Law small = preset("besiroglu2024");
  small.range = {4e5, 1e7, 8e5, 8e8, 0, 0};
  const SearchBounds s = search_domain(small, 1e16);
  CHECK(s.params_min == Approx(4e4));
  CHECK(s.tokens_min == kDomainTokensFloor);  // 8e5 / 10 is below the floor
  CHECK(s.params_max == Approx(1e14));
  // A budget beyond the range: its compute-optimal point, widened, is inside.
  const Law chinchilla = preset("besiroglu2024");
  const SearchBounds big = search_domain(chinchilla, 1e30);
  const Allocation a = compute_optimal(chinchilla.form, 1e30);
  CHECK(big.params_max == Approx(a.params * kDomainWideningAbove));
  CHECK(big.tokens_max == Approx(a.tokens * kDomainWideningAbove));
  // No range recorded: the former lower ends, 1e7 params and 1e8 tokens.
  Law bare = chinchilla;
  bare.range = {};
  const SearchBounds b = search_domain(bare, std::nullopt);
  CHECK(b.params_min == Approx(1e7));
  CHECK(b.tokens_min == Approx(1e8));
  CHECK(b.params_max == Approx(1e14));
  CHECK(b.tokens_max == Approx(1e16));
  // Never below the floors.
  small.range = {10, 100, 10, 100, 0, 0};
  const SearchBounds tiny = search_domain(small, std::nullopt);
  CHECK(tiny.params_min == kDomainParamsFloor);
  CHECK(tiny.tokens_min == kDomainTokensFloor);
}
