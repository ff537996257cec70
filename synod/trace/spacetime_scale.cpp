#include "synod/trace/spacetime_scale.hpp"

#include <algorithm>
#include <cmath>

#include "synod/trace/select.hpp"

namespace synod::trace {

TimeScale::TimeScale(Spacing spacing, std::span<const Event* const> events, std::int64_t from_ns,
                     std::int64_t to_ns, double left, double width)
    : spacing_(spacing),
      from_ns_(from_ns),
      to_ns_(std::max(to_ns, from_ns + 1)),
      left_(left),
      width_(width) {
  event_x_.resize(events.size());
  if (spacing_ == Spacing::kTime) {
    for (std::size_t i = 0; i < events.size(); ++i) event_x_[i] = x_of_time(events[i]->time_ns);
    return;
  }
  std::size_t columns = 0;
  for (const Event* e : events) columns += is_node_event(*e) ? 1 : 0;
  const double step = width_ / static_cast<double>(std::max<std::size_t>(columns, 1) + 1);
  // Network events (faults, heals) sit just before the next node event's column.
  std::size_t column = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (is_node_event(*events[i])) {
      ++column;
      event_x_[i] = left_ + step * static_cast<double>(column);
    } else {
      event_x_[i] = left_ + step * (static_cast<double>(column) + 0.5);
    }
    const std::int64_t t = events[i]->time_ns;
    if (anchors_.empty() || t > anchors_.back().first) {
      anchors_.emplace_back(t, event_x_[i]);
    }
  }
}

double TimeScale::x_of_event(std::size_t index) const { return event_x_[index]; }

double TimeScale::x_of_time(std::int64_t t_ns) const {
  if (spacing_ == Spacing::kTime || anchors_.size() < 2) {
    const double f = static_cast<double>(t_ns - from_ns_) / static_cast<double>(to_ns_ - from_ns_);
    return left_ + std::clamp(f, 0.0, 1.0) * width_;
  }
  if (t_ns <= anchors_.front().first) return std::max(left_, anchors_.front().second - 4);
  if (t_ns >= anchors_.back().first) return std::min(right(), anchors_.back().second + 4);
  auto hi = std::lower_bound(anchors_.begin(), anchors_.end(), t_ns,
                             [](const auto& a, std::int64_t t) { return a.first < t; });
  auto lo = hi - 1;
  const double f =
      static_cast<double>(t_ns - lo->first) / static_cast<double>(hi->first - lo->first);
  return lo->second + f * (hi->second - lo->second);
}

std::vector<std::int64_t> TimeScale::ticks(double min_gap_px, std::int64_t origin_ns) const {
  const double span = static_cast<double>(to_ns_ - from_ns_);
  const double want = std::max(2.0, width_ / std::max(min_gap_px, 1.0));
  double step = std::pow(10.0, std::floor(std::log10(span / want)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (span / (step * m) <= want) {
      step *= m;
      break;
    }
  }
  const auto istep = std::max<std::int64_t>(1, static_cast<std::int64_t>(step));
  std::vector<std::int64_t> out;
  double last_x = -1e9;
  const std::int64_t rel = std::max<std::int64_t>(0, from_ns_ - origin_ns);
  const std::int64_t first = origin_ns + (rel + istep - 1) / istep * istep;
  for (std::int64_t t = first; t <= to_ns_; t += istep) {
    const double x = x_of_time(t);
    if (x - last_x < min_gap_px) continue;  // order mode squeezes quiet stretches
    out.push_back(t);
    last_x = x;
  }
  return out;
}

}  // namespace synod::trace
