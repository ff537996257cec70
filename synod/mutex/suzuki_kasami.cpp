#include "synod/mutex/suzuki_kasami.hpp"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "synod/mutex/token_observations.hpp"

namespace synod::mutex {
namespace {

constexpr std::string_view kSeqKey = "sk.seq";

}  // namespace

std::size_t SuzukiKasami::index(NodeId n) const {
  return static_cast<std::size_t>(std::lower_bound(members_.begin(), members_.end(), n) -
                                  members_.begin());
}

void SuzukiKasami::start(LockHost& h) {
  members_.assign(h.peers().begin(), h.peers().end());
  members_.push_back(h.self());
  std::sort(members_.begin(), members_.end());
  rn_.assign(members_.size(), 0);
  // A request pending in the previous life died with it: count it as satisfied.
  satisfied_ = rn_[index(h.self())] = h.load(kSeqKey);
  recovery_.start(h);
  recovery_.create_initial(h);
}

void SuzukiKasami::request(LockHost& h) {
  if (has_token_) {
    ++local_entries_;
    enter(h);  // the token is already here: 0 messages
    return;
  }
  std::uint64_t& mine = rn_[index(h.self())];
  if (!h.persist(kSeqKey, mine + 1)) return;  // a request number must never be reused
  ++mine;
  waited_ = 0;
  broadcast_request(h, false);
}

void SuzukiKasami::broadcast_request(LockHost& h, bool retry) {
  MutexMsg m = make_msg(MsgType::kSkRequest);
  m.request_number = rn_[index(h.self())];
  m.retry = retry;
  for (NodeId p : h.peers()) {
    if (h.suspected(p)) continue;
    h.send(p, m);  // SK1: once to every other process
    if (h.mutant().breaks("SK1")) h.send(p, m);
  }
}

void SuzukiKasami::enter(LockHost& h) {
  satisfied_ = rn_[index(h.self())];
  ++counter_;  // SK4
  h.granted(fencing_token(gen_, counter_));
}

void SuzukiKasami::release(LockHost& h) {
  // SK3: "LN[i] := RN_i[i]", then pass the token on.
  if (!h.mutant().breaks("SK3")) ln_[index(h.self())] = rn_[index(h.self())];
  if (gen_ < recovery_.promised()) {
    drop_stale(h);  // a newer generation exists (we were cut off): this token is void
    return;
  }
  pass_token(h);
}

void SuzukiKasami::pass_token(LockHost& h) {
  // "for j = i+1, ..., N, 1, ..., i-1: if j not in Q and RN[j] = LN[j] + 1, append j". We test
  // RN[j] > LN[j]: equal to the textbook's test while a process has one request at a time, and
  // still true for a process whose earlier request died with a crash.
  const std::size_t n = members_.size();
  const std::size_t me = index(h.self());
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t j = (me + k) % n;
    const NodeId id = members_[j];
    if (rn_[j] > ln_[j] && std::find(queue_.begin(), queue_.end(), id) == queue_.end()) {
      queue_.push_back(id);
    }
  }
  while (!queue_.empty()) {
    const NodeId next = queue_.front();
    queue_.pop_front();
    if (next == h.self() || !h.reachable(next)) continue;  // skip the dead; they ask again
    send_token(h, next);
    return;
  }
}

void SuzukiKasami::send_token(LockHost& h, NodeId to) {
  MutexMsg m = make_msg(MsgType::kSkToken);
  m.generation = gen_;
  m.counter = counter_;
  m.ln = ln_;
  m.queue.assign(queue_.begin(), queue_.end());
  has_token_ = false;
  last_sent_to_ = to;
  queue_.clear();
  observe_token(h, "token_send", gen_, to);
  h.send(to, m);
}

void SuzukiKasami::drop_stale(LockHost& h) {
  has_token_ = false;
  queue_.clear();
  observe_token(h, "token_stale", gen_);
}

void SuzukiKasami::on_request(LockHost& h, NodeId from, const MutexMsg& m) {
  const std::size_t j = index(from);
  if (j >= members_.size() || members_[j] != from) return;
  // "RN_i[j] := max(RN_i[j], n); if i holds the idle token and RN_i[j] = LN[j] + 1, send it"
  rn_[j] = std::max(rn_[j], m.request_number);
  if (has_token_ && (!h.holding() || h.mutant().breaks("SK2")) && rn_[j] > ln_[j]) {  // SK2
    send_token(h, from);
    return;
  }
  // A requester that waited `timeout` asks again; the agreed node then looks for the token.
  if (m.retry && !has_token_ && h.lowest_live() == h.self() &&
      ticks_ - last_probe_ >= timeout_ticks_) {
    last_probe_ = ticks_;
    recovery_.begin(h);
  }
}

void SuzukiKasami::on_token(LockHost& h, NodeId from, const MutexMsg& m) {
  (void)from;
  if (has_token_ || !recovery_.accept(h, m.generation) || m.ln.size() != members_.size()) {
    observe_token(h, "token_stale", m.generation);
    return;
  }
  has_token_ = true;
  gen_ = m.generation;
  if (!h.mutant().breaks("SK4")) counter_ = m.counter;  // SK4: the counter travels in the token
  ln_ = m.ln;
  queue_.assign(m.queue.begin(), m.queue.end());
  observe_token(h, "token_recv", gen_);
  if (h.waiting()) {
    enter(h);
  } else {
    // Sent to a process whose request died with its previous life: pass it on.
    ln_[index(h.self())] = rn_[index(h.self())];
    pass_token(h);
  }
}

void SuzukiKasami::on_message(LockHost& h, NodeId from, const MutexMsg& m) {
  switch (m.kind()) {
    case MsgType::kSkRequest: on_request(h, from, m); break;
    case MsgType::kSkToken: on_token(h, from, m); break;
    case MsgType::kProbe: recovery_.on_probe(h, from, m); break;
    case MsgType::kProbeAnswer: recovery_.on_answer(h, from, m); break;
    default: break;
  }
}

void SuzukiKasami::on_tick(LockHost& h) {
  ++ticks_;
  recovery_.on_tick(h);
  if (has_token_ && !h.holding() && !queue_.empty()) pass_token(h);  // head was suspected
  if (!h.waiting() || has_token_) return;
  if (++waited_ % timeout_ticks_ != 0) return;
  broadcast_request(h, true);
  if (h.lowest_live() == h.self() && ticks_ - last_probe_ >= timeout_ticks_) {
    last_probe_ = ticks_;
    recovery_.begin(h);
  }
}

void SuzukiKasami::on_suspect(LockHost& h, NodeId peer) { recovery_.on_suspect(h, peer); }

void SuzukiKasami::on_restarted(LockHost& h, NodeId peer) {
  recovery_.on_restarted(h, peer);
  // The new life's RN is fresh: tell it about our outstanding request.
  if (h.waiting() && !has_token_) {
    MutexMsg m = make_msg(MsgType::kSkRequest);
    m.request_number = rn_[index(h.self())];
    h.send(peer, m);
  }
}

void SuzukiKasami::on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) {
  (void)from;
  if (hb.generation <= recovery_.promised()) return;
  // A newer generation exists: promise it, and void an old token held idle (one token after
  // recovery). A token in use is voided at release.
  if (!recovery_.accept(h, hb.generation)) return;
  if (has_token_ && gen_ < hb.generation && !h.holding()) drop_stale(h);
}

void SuzukiKasami::convert_token(LockHost& h, std::uint64_t gen) {
  observe_token(h, "token_convert", gen, static_cast<std::int64_t>(gen_));
  gen_ = gen;
}

void SuzukiKasami::regenerate(LockHost& h, std::uint64_t gen,
                              const std::map<NodeId, std::uint64_t>& answers) {
  has_token_ = true;
  gen_ = gen;
  counter_ = 0;
  queue_.clear();
  ln_.assign(members_.size(), 0);
  // LN from what each live node says it was granted; a node that did not answer (suspected)
  // keeps its pending request pending and is skipped while suspected.
  for (std::size_t j = 0; j < members_.size(); ++j) {
    auto it = answers.find(members_[j]);
    ln_[j] = it != answers.end() ? it->second : (rn_[j] > 0 ? rn_[j] - 1 : 0);
  }
  observe_token(h, "token_new", gen_);
  if (h.waiting()) {
    enter(h);
  } else {
    pass_token(h);
  }
}

nlohmann::json SuzukiKasami::status() const {
  return {{"has_token", has_token_},
          {"gen", gen_},
          {"counter", counter_},
          {"promised", recovery_.promised()},
          {"probes", recovery_.rounds()}};
}

}  // namespace synod::mutex
