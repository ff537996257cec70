#include "synod/check/event.hpp"

namespace synod {

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kStart: return "start";
    case EventKind::kRecover: return "recover";
    case EventKind::kCrash: return "crash";
    case EventKind::kPause: return "pause";
    case EventKind::kResume: return "resume";
    case EventKind::kSend: return "send";
    case EventKind::kDeliver: return "deliver";
    case EventKind::kDrop: return "drop";
    case EventKind::kTimer: return "timer";
    case EventKind::kObserve: return "observe";
    case EventKind::kFault: return "fault";
    case EventKind::kHeal: return "heal";
  }
  return "unknown";
}

}  // namespace synod
