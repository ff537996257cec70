#include "synod/ntp/discipline.hpp"

#include <cmath>
#include <cstdlib>

namespace synod::ntp {

void Discipline::shift(const Applied& a) {
  for (auto& p : points_) {
    p.offset_ns -=
        static_cast<double>(a.offset.count()) + a.rate * static_cast<double>((p.at - a.at).count());
  }
}

Applied Discipline::update(Time host, Time sample_at, Duration offset) {
  ++updates_;
  points_.push_back({sample_at, static_cast<double>(offset.count())});
  if (points_.size() > options_.max_samples) points_.erase(points_.begin());

  Applied a;
  a.at = host;
  const bool may_step = updates_ <= static_cast<std::uint64_t>(options_.makestep_limit);
  if (may_step && std::llabs(offset.count()) > options_.makestep_threshold.count()) {
    // Step the whole measured error; the rate is unknown until there are more points.
    a.offset = offset;
    a.correction = clock_.correct(host, offset + clock_.pending_slew(host), true);
    shift(a);
    return a;
  }
  // Least squares offset(t) = c0 + c1 * (t - host) over the stored points.
  const auto n = static_cast<double>(points_.size());
  double c0 = points_.back().offset_ns;
  double c1 = 0;
  if (points_.size() >= options_.min_samples_for_rate) {
    double st = 0;
    double so = 0;
    for (const auto& p : points_) {
      st += static_cast<double>((p.at - host).count());
      so += p.offset_ns;
    }
    const double mt = st / n;
    const double mo = so / n;
    double stt = 0;
    double sto = 0;
    for (const auto& p : points_) {
      const double dt = static_cast<double>((p.at - host).count()) - mt;
      stt += dt * dt;
      sto += dt * (p.offset_ns - mo);
    }
    if (stt > 0) {
      c1 = sto / stt;
      c0 = mo - c1 * mt;
    }
  }
  a.offset = Duration(static_cast<std::int64_t>(std::llround(c0)));
  a.rate = c1;
  if (c1 != 0) clock_.set_frequency(host, clock_.frequency_ppm() + c1 * 1e6);
  a.correction = clock_.correct(host, a.offset + clock_.pending_slew(host));
  shift(a);
  return a;
}

}  // namespace synod::ntp
