#include "synod/ntp/selection.hpp"

#include <algorithm>

namespace synod::ntp {
namespace {

struct Endpoint {
  std::int64_t value;
  int type;  // -1 lower end, 0 midpoint, +1 upper end
};

}  // namespace

std::optional<Selection> select(std::vector<Candidate> candidates) {
  const auto m = static_cast<int>(candidates.size());
  if (m == 0) return std::nullopt;
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.server < b.server; });
  std::vector<Endpoint> ends;
  for (const auto& c : candidates) {
    ends.push_back({(c.offset - c.distance).count(), -1});
    ends.push_back({c.offset.count(), 0});
    ends.push_back({(c.offset + c.distance).count(), +1});
  }
  std::sort(ends.begin(), ends.end(), [](const Endpoint& a, const Endpoint& b) {
    return a.value != b.value ? a.value < b.value : a.type < b.type;
  });
  std::int64_t low = 0;
  std::int64_t high = 0;
  bool found = false;
  // RFC 5905 figure 30 ("selection"): f falsetickers allowed, f < m / 2.
  for (int f = 0; 2 * f < m; ++f) {
    int n = 0;
    int mids = 0;
    low = INT64_MAX;
    for (const auto& e : ends) {
      n -= e.type;
      if (n >= m - f) {
        low = e.value;
        break;
      }
      if (e.type == 0) ++mids;
    }
    n = 0;
    high = INT64_MIN;
    for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
      n += it->type;
      if (n >= m - f) {
        high = it->value;
        break;
      }
      if (it->type == 0) ++mids;
    }
    if (mids <= f && low < high) {
      found = true;
      break;
    }
  }
  if (!found) return std::nullopt;

  Selection s;
  double weighted = 0;
  double weights = 0;
  const Candidate* peer = nullptr;
  for (const auto& c : candidates) {
    if ((c.offset + c.distance).count() < low || (c.offset - c.distance).count() > high) {
      s.falsetickers.push_back(c.server);
      continue;
    }
    s.truechimers.push_back(c.server);
    const double w = 1.0 / static_cast<double>(std::max<std::int64_t>(1, c.distance.count()));
    weighted += w * static_cast<double>(c.offset.count());
    weights += w;
    if (peer == nullptr || c.stratum < peer->stratum ||
        (c.stratum == peer->stratum && c.distance < peer->distance)) {
      peer = &c;
    }
  }
  if (peer == nullptr || 2 * s.truechimers.size() <= candidates.size()) return std::nullopt;
  s.offset = Duration(static_cast<std::int64_t>(weighted / weights));
  s.system_peer = peer->server;
  s.stratum = peer->stratum;
  s.distance = peer->distance;
  return s;
}

}  // namespace synod::ntp
