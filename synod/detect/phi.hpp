// The suspicion level phi of the accrual failure detector (Hayashibara, Defago, Yared, Katayama,
// "The phi accrual failure detector", SRDS 2004): phi(t) = -log10(P_later(t)), the probability
// that a heartbeat arrives more than t after the previous one, with inter-arrival times modelled
// as a normal distribution. Like Akka and Cassandra we use the logistic approximation of the
// normal CDF, 1 / (1 + e^(-y(1.5976 + 0.070566 y^2))) (Bowling et al. 2009, max error 1.4e-4),
// rewritten so that it neither overflows nor loses precision far out in either tail.
//
// phi = 1 means a 10% chance that declaring the peer dead is a mistake, phi = 8 a 1e-8 chance.
#pragma once

#include <algorithm>
#include <cmath>

namespace synod::detect {

// phi is capped so it stays finite (comparisons, JSON); any threshold worth using is far below.
inline constexpr double kMaxPhi = 1000.0;

// `elapsed`, `mean` and `std_dev` in the same unit; std_dev > 0.
inline double phi_of(double elapsed, double mean, double std_dev) {
  const double y = (elapsed - mean) / std_dev;
  const double a = y * (1.5976 + 0.070566 * y * y);  // P_later = e^-a / (1 + e^-a)
  // -log10(e^-a / (1 + e^-a)) = (a + log(1 + e^-a)) / ln10; for a < 0 use the equal
  // log(1 + e^a) / ln10 so e^-a never overflows.
  const double nat = a >= 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a));
  return std::clamp(nat / std::log(10.0), 0.0, kMaxPhi);
}

// The elapsed time at which phi reaches `threshold` (the detector's timeout in steady state):
// inverts phi_of by bisection over y; used for docs, status and tests.
inline double elapsed_for_phi(double threshold, double mean, double std_dev) {
  double lo = -10;
  double hi = 100;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (phi_of(mid, 0, 1) < threshold ? lo : hi) = mid;
  }
  return mean + hi * std_dev;
}

}  // namespace synod::detect
