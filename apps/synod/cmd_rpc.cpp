// synod rpc: a client of the example services on real nodes (docs/protocols/rpc.md, "Running for
// real"). Each run is a short-lived client node: its own NodeRuntime hosting an rpc::Endpoint
// (synod/runtime/rpc_node.hpp), joining the cluster under a client id that the servers' configs
// list as a peer (the TCP transport only accepts configured peers, and replies travel on the
// server's own connection to the client's listen address).
//
//   synod local up --nodes 3 --clients 2 --protocols calculator --detach
//   synod rpc calc add 2 3 --dir .synod/local --node 2         # prints 5
//   synod rpc bank open alice 100 --dir .synod/local           # against a --protocols bank cluster
//   synod rpc raw 16 9 --dir .synod/local                      # UNIMPLEMENTED
//
// With --dir the client reads the cluster's node-<id>.toml files and takes the first free client
// slot (a peer id with no config file whose port it can bind). Without it: --id, --listen,
// --peer id=host:port (every server) and --cluster, and the servers must list --id as a peer.
//
// Output: the result on stdout, exit 0. An RPC error is one line on stderr,
// "synod rpc: CODE: message" (CODE is gRPC's name, e.g. UNIMPLEMENTED, DEADLINE_EXCEEDED), exit 1.
// Bad usage or config: one line, exit 2.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "apps/synod/commands.hpp"
#include "examples/bank.hpp"
#include "examples/calculator.hpp"
#include "examples/serve.hpp"
#include "synod/runtime/config.hpp"
#include "synod/runtime/rpc_node.hpp"

namespace synod::app {
namespace {

namespace fs = std::filesystem;
using examples::Account;
using examples::Bank;
using examples::Calculator;

// After the last call: time for DGC `clean` messages to leave before the node stops (best
// effort: a lost clean only delays collection by one lease).
constexpr auto kCleanGrace = std::chrono::milliseconds(100);
// The client waits at most its deadline plus this for a completion (the endpoint itself always
// completes by the deadline; this only guards against a stopped loop).
constexpr auto kWaitSlack = std::chrono::seconds(5);

struct ClientArgs {
  // where the cluster is
  std::string dir;
  std::string id, listen, cluster = "synod", data_dir;
  std::vector<std::string> peers;
  // the call
  std::uint32_t node = 1;
  std::string deadline = "5s";
  std::string lease;
  std::string log_level = "error";
  // verbs
  std::string op;
  std::vector<std::string> args;
  std::string delay = "0s";
  std::string hold_for = "0s";
};

struct Usage {
  std::string message;
};

std::int64_t to_int(const std::string& s, const char* what) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0)
    throw Usage{std::string(what) + " '" + s + "' is not an integer"};
  return v;
}

Duration to_duration(const std::string& s, const char* what) {
  auto d = parse_duration(s);
  if (!d || d->count() < 0) throw Usage{std::string("bad ") + what + " '" + s + "'"};
  return *d;
}

// A client config for a `synod local` cluster directory: peers are the nodes (from their
// node-<id>.toml files); the client ids are the peers that have no config file.
struct Cluster {
  std::map<NodeId, runtime::NodeConfig> nodes;
  std::vector<std::pair<NodeId, runtime::Endpoint>> client_slots;
};

Result<Cluster> read_cluster(const std::string& dir) {
  Cluster c;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("node-", 0) != 0 || e.path().extension() != ".toml") continue;
    auto config = runtime::load_config(e.path().string(), {});
    if (!config) return config.status();
    c.nodes.emplace(config->id, std::move(*config));
  }
  if (ec) return invalid_argument("cannot read --dir " + dir + ": " + ec.message());
  if (c.nodes.empty()) return invalid_argument("no node-<id>.toml in " + dir);
  for (const auto& [id, ep] : c.nodes.begin()->second.peers) {
    if (!c.nodes.contains(id)) c.client_slots.emplace_back(id, ep);
  }
  if (c.client_slots.empty()) {
    return invalid_argument("the cluster in " + dir +
                            " has no client slots (start it with synod local up --clients N)");
  }
  return c;
}

rpc::RpcLimits client_limits(const ClientArgs& a, const runtime::NodeConfig* target) {
  rpc::RpcLimits limits;
  limits.default_deadline = to_duration(a.deadline, "--deadline");
  if (target != nullptr) {
    // Renew leases at the servers' pace: use the lease option of the target's protocol.
    for (const auto& name : target->protocols) {
      auto it = target->protocol_options.find(name);
      if (it == target->protocol_options.end() || (name != "calculator" && name != "bank"))
        continue;
      auto l = examples::parse_example_limits(it->second, name);
      if (l) limits.lease = l->lease;
    }
  }
  if (!a.lease.empty()) limits.lease = to_duration(a.lease, "--lease");
  return limits;
}

struct StartedClient {
  std::unique_ptr<runtime::RpcNode> node;
  std::string temp_dir;  // removed at exit
};

Result<StartedClient> start_client(const ClientArgs& a) {
  const bool by_dir = !a.dir.empty();
  if (by_dir == (!a.id.empty() || !a.peers.empty())) {
    throw Usage{"give either --dir DIR or --id, --listen and --peer"};
  }
  if (by_dir) {
    auto cluster = read_cluster(a.dir);
    if (!cluster) throw Usage{cluster.status().message()};
    const auto target = cluster->nodes.find(a.node);
    if (target == cluster->nodes.end())
      throw Usage{"--node " + std::to_string(a.node) + " is not in " + a.dir};
    const rpc::RpcLimits limits = client_limits(a, &target->second);
    Status last;
    for (const auto& [id, listen] : cluster->client_slots) {
      runtime::NodeConfig c;
      c.id = id;
      c.listen = listen;
      for (const auto& [nid, n] : cluster->nodes) c.peers[nid] = n.listen;
      c.cluster = target->second.cluster;
      c.transport = target->second.transport;
      c.limits = target->second.limits;
      c.data_dir = (fs::absolute(a.dir) / ("client-" + std::to_string(id))).string();
      c.log_level = a.log_level;
      c.trace = false;
      auto node = runtime::RpcNode::start(std::move(c), std::make_unique<rpc::Endpoint>(limits));
      if (node) return StartedClient{std::move(*node), {}};
      last = node.status();  // slot busy (another client): try the next one
    }
    return Status(Code::kUnavailable,
                  "no free client slot in " + a.dir + " (last: " + last.message() + ")");
  }
  runtime::ConfigOverrides o;
  o.id = a.id;
  o.listen = a.listen;
  o.peers = a.peers;
  o.protocols = "rpc";
  o.cluster = a.cluster;
  o.log_level = a.log_level;
  std::string temp;
  if (a.data_dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "synod-rpc-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return unavailable("cannot create a temp data dir");
    temp = pattern;
    o.data_dir = temp;
  } else {
    o.data_dir = a.data_dir;
  }
  auto config = runtime::load_config(std::nullopt, o);
  if (!config) throw Usage{config.status().message()};
  config->trace = false;
  auto node = runtime::RpcNode::start(std::move(*config),
                                      std::make_unique<rpc::Endpoint>(client_limits(a, nullptr)));
  if (!node) return node.status();
  return StartedClient{std::move(*node), temp};
}

int report(const Status& st) {
  std::fprintf(stderr, "synod rpc: %s: %s\n", std::string(code_name(st.code())).c_str(),
               st.message().c_str());
  return kExitFailed;
}

rpc::CallOptions options(const ClientArgs& a) {
  rpc::CallOptions o;
  o.deadline = to_duration(a.deadline, "--deadline");
  return o;
}

Duration wait_limit(const ClientArgs& a) {
  return to_duration(a.deadline, "--deadline") + kWaitSlack;
}

void need_args(const ClientArgs& a, std::size_t n, const char* usage) {
  if (a.args.size() != n) throw Usage{std::string("usage: ") + usage};
}

int run_calc(const ClientArgs& a, runtime::RpcNode& node) {
  const NodeId to = a.node;
  const rpc::CallOptions opts = options(a);
  Result<examples::Number> r = internal_error("unset");
  if (a.op == "add" || a.op == "divide" || a.op == "slow_add") {
    need_args(a, 2, "synod rpc calc add|divide|slow_add A B");
    const std::int64_t x = to_int(a.args[0], "A");
    const std::int64_t y = to_int(a.args[1], "B");
    if (a.op == "slow_add") {
      const auto delay =
          std::chrono::duration_cast<std::chrono::milliseconds>(to_duration(a.delay, "--delay"));
      const examples::SlowRequest req{x, y, static_cast<std::uint32_t>(delay.count())};
      r = node.call(
          [=](rpc::Endpoint& ep) {
            return ep.proxy<Calculator>(to, examples::kCalculatorId)
                .call<Calculator::kSlowAdd>(req, opts);
          },
          wait_limit(a));
    } else {
      const examples::BinaryRequest req{x, y};
      const bool add = a.op == "add";
      r = node.call(
          [=](rpc::Endpoint& ep) {
            auto calc = ep.proxy<Calculator>(to, examples::kCalculatorId);
            return add ? calc.call<Calculator::kAdd>(req, opts)
                       : calc.call<Calculator::kDivide>(req, opts);
          },
          wait_limit(a));
    }
  } else if (a.op == "accumulate") {
    need_args(a, 1, "synod rpc calc accumulate V");
    const examples::Number req{to_int(a.args[0], "V")};
    r = node.call(
        [=](rpc::Endpoint& ep) {
          return ep.proxy<Calculator>(to, examples::kCalculatorId)
              .call<Calculator::kAccumulate>(req, opts);
        },
        wait_limit(a));
  } else {
    throw Usage{"unknown calc operation '" + a.op + "' (add, divide, accumulate, slow_add)"};
  }
  if (!r) return report(r.status());
  std::printf("%lld\n", static_cast<long long>(r->value));
  return kExitOk;
}

// The client's proxies to accounts; touched only on the loop thread.
struct Held {
  std::map<std::string, rpc::Proxy<Account>> accounts;
};

class BankClient {
 public:
  BankClient(const ClientArgs& a, runtime::RpcNode& node)
      : a_(a), node_(node), opts_(options(a)), wait_(wait_limit(a)) {}
  // Every exit path (an error returns early) drops the proxies on the loop thread, inside an
  // input: destroying them on this thread raced with the loop and could abort the process.
  ~BankClient() { release(); }
  BankClient(const BankClient&) = delete;
  BankClient& operator=(const BankClient&) = delete;

  // Opens (or looks up) `owner`'s account and attaches the reference (starting its lease).
  Status attach(const std::string& owner, bool open) {
    const examples::OpenRequest req{owner};
    const NodeId to = a_.node;
    const rpc::CallOptions o = opts_;
    auto ref = node_.call(
        [=](rpc::Endpoint& ep) {
          auto bank = ep.proxy<Bank>(to, examples::kBankId);
          return open ? bank.call<Bank::kOpen>(req, o) : bank.call<Bank::kLookup>(req, o);
        },
        wait_);
    if (!ref) return ref.status();
    auto held = held_;
    auto r = node_.call(
        [held, owner, account = ref->account, o](rpc::Endpoint& ep) {
          auto proxy = ep.attach(account);
          SYNOD_ASSERT(proxy.is_ok());  // the reference has the Account interface by its type
          held->accounts.insert_or_assign(owner, *proxy);
          const examples::NoArgs none;
          return proxy->call<Account::kBalance>(none, o);
        },
        wait_);
    return r.status();
  }

  template <const auto& M>
  Result<examples::Amount> account_call(const std::string& owner, std::int64_t cents) {
    auto held = held_;
    const rpc::CallOptions o = opts_;
    return node_.call(
        [held, owner, cents, o](rpc::Endpoint& ep) {
          (void)ep;
          const examples::Amount amount{cents};
          return held->accounts.at(owner).call<M>(amount, o);
        },
        wait_);
  }

  Result<examples::Amount> balance(const std::string& owner) {
    auto held = held_;
    const rpc::CallOptions o = opts_;
    return node_.call(
        [held, owner, o](rpc::Endpoint& ep) {
          (void)ep;
          const examples::NoArgs none;
          return held->accounts.at(owner).call<Account::kBalance>(none, o);
        },
        wait_);
  }

  // The references travel as arguments: the bank attaches them and moves the money with nested
  // calls.
  Result<examples::Amount> transfer(const std::string& from, const std::string& to,
                                    std::int64_t cents) {
    auto held = held_;
    const rpc::CallOptions o = opts_;
    const NodeId node = a_.node;
    return node_.call(
        [held, from, to, cents, o, node](rpc::Endpoint& ep) {
          const examples::TransferRequest req{held->accounts.at(from).ref(),
                                              held->accounts.at(to).ref(), cents};
          return ep.proxy<Bank>(node, examples::kBankId).call<Bank::kTransfer>(req, o);
        },
        wait_);
  }

  // Drops every proxy inside an input, so the DGC `clean` messages are sent at once.
  void release() {
    if (released_) return;
    released_ = true;
    auto held = held_;
    node_.run_in_loop([held](rpc::Endpoint&) { held->accounts.clear(); });
  }

 private:
  const ClientArgs& a_;
  runtime::RpcNode& node_;
  bool released_ = false;
  rpc::CallOptions opts_;
  Duration wait_;
  std::shared_ptr<Held> held_ = std::make_shared<Held>();
};

int run_bank(const ClientArgs& a, runtime::RpcNode& node) {
  BankClient bank(a, node);
  const auto& v = a.args;
  auto print = [](const std::string& owner, const Result<examples::Amount>& r) {
    if (!r) return report(r.status());
    std::printf("%s: %lld\n", owner.c_str(), static_cast<long long>(r->cents));
    return kExitOk;
  };
  int rc = kExitOk;
  if (a.op == "open") {
    if (v.empty() || v.size() > 2) throw Usage{"usage: synod rpc bank open OWNER [CENTS]"};
    const std::int64_t cents = v.size() == 2 ? to_int(v[1], "CENTS") : 0;
    if (Status st = bank.attach(v[0], true); !st.is_ok()) return report(st);
    rc = print(v[0],
               cents > 0 ? bank.account_call<Account::kDeposit>(v[0], cents) : bank.balance(v[0]));
  } else if (a.op == "deposit" || a.op == "withdraw") {
    need_args(a, 2, "synod rpc bank deposit|withdraw OWNER CENTS");
    const std::int64_t cents = to_int(v[1], "CENTS");
    if (Status st = bank.attach(v[0], false); !st.is_ok()) return report(st);
    rc = print(v[0], a.op == "deposit" ? bank.account_call<Account::kDeposit>(v[0], cents)
                                       : bank.account_call<Account::kWithdraw>(v[0], cents));
  } else if (a.op == "balance") {
    need_args(a, 1, "synod rpc bank balance OWNER");
    if (Status st = bank.attach(v[0], false); !st.is_ok()) return report(st);
    rc = print(v[0], bank.balance(v[0]));
  } else if (a.op == "transfer" || a.op == "churn") {
    // churn: transfer back and forth until --for runs out (or the process is killed), holding
    // the two references the whole time. Prints "holding" once both are attached.
    need_args(a, 3, "synod rpc bank transfer|churn FROM TO CENTS");
    const std::int64_t cents = to_int(v[2], "CENTS");
    for (const auto& owner : {v[0], v[1]}) {
      if (Status st = bank.attach(owner, false); !st.is_ok()) return report(st);
    }
    if (a.op == "transfer") {
      auto r = bank.transfer(v[0], v[1], cents);
      if (!r) return report(r.status());
      rc = print(v[0], bank.balance(v[0]));
      if (rc == kExitOk) rc = print(v[1], bank.balance(v[1]));
    } else {
      std::printf("holding %s %s\n", v[0].c_str(), v[1].c_str());
      std::fflush(stdout);
      const auto until = std::chrono::steady_clock::now() + to_duration(a.hold_for, "--for");
      std::uint64_t n = 0;
      while (std::chrono::steady_clock::now() < until) {
        const bool forth = n % 2 == 0;
        auto r = bank.transfer(forth ? v[0] : v[1], forth ? v[1] : v[0], cents);
        if (!r) return report(r.status());
        ++n;
      }
      std::printf("%llu transfers\n", static_cast<unsigned long long>(n));
    }
  } else {
    throw Usage{"unknown bank operation '" + a.op +
                "' (open, deposit, withdraw, balance, transfer, churn)"};
  }
  bank.release();
  return rc;
}

// synod rpc raw OBJECT METHOD [HEX]: any method of any object (OBJECT is a well-known number or
// HI:LO in hex), payload as hex; prints the response payload as hex. For probing servers.
int run_raw(const ClientArgs& a, runtime::RpcNode& node) {
  if (a.args.size() < 2 || a.args.size() > 3)
    throw Usage{"usage: synod rpc raw OBJECT METHOD [HEX]"};
  rpc::ObjectId object;
  if (auto colon = a.args[0].find(':'); colon != std::string::npos) {
    object.hi = std::strtoull(a.args[0].substr(0, colon).c_str(), nullptr, 16);
    object.lo = std::strtoull(a.args[0].substr(colon + 1).c_str(), nullptr, 16);
  } else {
    object = rpc::ObjectId::well_known(static_cast<std::uint64_t>(to_int(a.args[0], "OBJECT")));
  }
  const auto method = static_cast<std::uint32_t>(to_int(a.args[1], "METHOD"));
  Bytes payload;
  if (a.args.size() == 3) {
    const std::string& hex = a.args[2];
    if (hex.size() % 2 != 0) throw Usage{"HEX must have an even number of digits"};
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      char* end = nullptr;
      const std::string byte = hex.substr(i, 2);
      const unsigned long b = std::strtoul(byte.c_str(), &end, 16);
      if (*end != '\0') throw Usage{"HEX has a non-hex digit"};
      payload.push_back(static_cast<std::uint8_t>(b));
    }
  }
  const NodeId to = a.node;
  const rpc::CallOptions opts = options(a);
  auto r = node.call(
      [=](rpc::Endpoint& ep) {
        auto state = std::make_shared<rpc::CallState<SharedBytes>>();
        rpc::RawCall call{to, object, method, false, ByteChain(payload), opts};
        const rpc::CallId id = ep.call_raw(
            std::move(call), [state](Result<SharedBytes> res) { state->complete(std::move(res)); });
        return rpc::PendingCall<SharedBytes>(state, id);
      },
      wait_limit(a));
  if (!r) return report(r.status());
  std::string hex;
  for (std::uint8_t b : *r) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[b >> 4U];
    hex += kDigits[b & 15U];
  }
  std::printf("OK %s\n", hex.c_str());
  return kExitOk;
}

int run_rpc(const ClientArgs& a, const std::string& service) {
  try {
    auto client = start_client(a);
    if (!client) {
      std::fprintf(stderr, "synod rpc: cannot start the client node: %s\n",
                   client.status().message().c_str());
      return kExitFailed;
    }
    int rc = kExitFailed;
    if (service == "calc") rc = run_calc(a, *client->node);
    if (service == "bank") rc = run_bank(a, *client->node);
    if (service == "raw") rc = run_raw(a, *client->node);
    std::this_thread::sleep_for(kCleanGrace);
    client->node->stop();
    client->node.reset();
    if (!client->temp_dir.empty()) {
      std::error_code ec;
      fs::remove_all(client->temp_dir, ec);
    }
    return rc;
  } catch (const Usage& u) {
    std::fprintf(stderr, "synod rpc: %s\n", u.message.c_str());
    return kExitUsage;
  }
}

void add_common(CLI::App* sub, ClientArgs& a) {
  sub->add_option("--dir", a.dir, "A `synod local` cluster directory (uses a client slot)");
  sub->add_option("--id", a.id, "Client node id (without --dir; servers must list it as a peer)");
  sub->add_option("--listen", a.listen, "Client host:port (without --dir)");
  sub->add_option("--peer", a.peers, "id=host:port of a server (without --dir; repeatable)");
  sub->add_option("--cluster", a.cluster, "Cluster name (without --dir; default synod)");
  sub->add_option("--data-dir", a.data_dir, "Client data dir (without --dir; default a temp dir)");
  sub->add_option("--node", a.node, "Server node to call (default 1)");
  sub->add_option("--deadline", a.deadline, "Deadline of each call (default 5s)");
  sub->add_option("--lease", a.lease, "RMI lease (default: the server's option, else 10s)");
  sub->add_option("--log-level", a.log_level, "Client node's log level (default error)");
}

}  // namespace

void add_rpc_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<ClientArgs>();
  CLI::App* sub = app.add_subcommand("rpc", "Call the example RPC services on running nodes");
  sub->require_subcommand(1);
  CLI::App* calc = sub->add_subcommand("calc", "Calculator: add|divide|accumulate|slow_add ARGS");
  calc->add_option("op", a->op, "Operation")->required();
  calc->add_option("args", a->args, "Integers");
  calc->add_option("--delay", a->delay, "slow_add: how long the server takes (default 0s)");
  add_common(calc, *a);
  CLI::App* bank = sub->add_subcommand(
      "bank",
      "Bank: open OWNER [CENTS] | deposit|withdraw OWNER CENTS | balance OWNER | "
      "transfer|churn FROM TO CENTS");
  bank->add_option("op", a->op, "Operation")->required();
  bank->add_option("args", a->args, "Owners and amounts (cents)");
  bank->add_option("--for", a->hold_for, "churn: how long to keep transferring (default 0s)");
  add_common(bank, *a);
  CLI::App* raw = sub->add_subcommand("raw", "Any method: OBJECT METHOD [HEX payload]");
  raw->add_option("args", a->args, "OBJECT METHOD [HEX]")->expected(2, 3);
  add_common(raw, *a);
  out.push_back({sub, [a, calc, bank] {
                   return run_rpc(*a, calc->parsed() ? "calc" : bank->parsed() ? "bank" : "raw");
                 }});
}

}  // namespace synod::app
