// An App from a function: handy for tests and small programs ("on start, serve this and call
// that"). The function runs at every start of the endpoint.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "synod/rpc/endpoint.hpp"

namespace synod::rpc {

class LambdaApp final : public App {
 public:
  explicit LambdaApp(std::function<void(Endpoint&)> start) : start_(std::move(start)) {}
  void on_start(Endpoint& ep) override { start_(ep); }

 private:
  std::function<void(Endpoint&)> start_;
};

inline std::unique_ptr<App> make_app(std::function<void(Endpoint&)> start) {
  return std::make_unique<LambdaApp>(std::move(start));
}

}  // namespace synod::rpc
