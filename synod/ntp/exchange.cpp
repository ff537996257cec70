#include "synod/ntp/exchange.hpp"

namespace synod::ntp {

Sample make_sample(Time t1, Time t2, Time t3, Time t4) {
  Sample s;
  s.offset = Duration(((t2 - t1).count() + (t3 - t4).count()) / 2);
  const Duration delay = (t4 - t1) - (t3 - t2);
  s.delay = delay.count() < 0 ? Duration(0) : delay;
  s.at = t4;
  return s;
}

ReplyCheck check_reply(const Packet& reply, Timestamp sent, Mode expect) {
  if (reply.mode != expect) return ReplyCheck::kBadMode;
  if (reply.origin != sent || sent == 0) return ReplyCheck::kBogusOrigin;
  if (reply.stratum == 0) {
    const std::string code = refid_to_string(reply.reference_id, 0);
    if (code == kKissCodeRate) return ReplyCheck::kKissRate;
    if (code == kKissCodeDeny || code == kKissCodeRstr) return ReplyCheck::kKissDeny;
    return ReplyCheck::kKissOther;
  }
  if (reply.receive == 0 || reply.transmit == 0) return ReplyCheck::kZeroTimestamps;
  if (reply.leap == Leap::kUnsynchronized || reply.stratum >= kStratumUnsynchronized) {
    return ReplyCheck::kUnsynchronized;
  }
  return ReplyCheck::kOk;
}

std::string_view reply_check_name(ReplyCheck c) {
  switch (c) {
    case ReplyCheck::kOk: return "ok";
    case ReplyCheck::kBadMode: return "bad-mode";
    case ReplyCheck::kBogusOrigin: return "bogus-origin";
    case ReplyCheck::kZeroTimestamps: return "zero-timestamps";
    case ReplyCheck::kUnsynchronized: return "unsynchronized";
    case ReplyCheck::kKissRate: return "kiss-rate";
    case ReplyCheck::kKissDeny: return "kiss-deny";
    case ReplyCheck::kKissOther: return "kiss-other";
  }
  return "?";
}

Packet client_request(Time t1, std::int8_t poll) {
  Packet p;
  p.version = 4;
  p.mode = Mode::kClient;
  p.leap = Leap::kUnsynchronized;
  p.stratum = 0;
  p.poll = poll;
  p.precision = -20;
  p.transmit = to_timestamp(t1);
  return p;
}

}  // namespace synod::ntp
