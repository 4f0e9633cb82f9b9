// The typed clients: each call passes the instance's CallGate, gets a
// CallScope (its nexus_call_context), and collects outputs in host memory.
#include "nexus/host/clients.hpp"

#include <unistd.h>

#include <cstddef>
#include <stdexcept>
#include <utility>

#include "runtime/call_scope.hpp"
#include "runtime/live_instance.hpp"
#include "runtime/sinks.hpp"

namespace nexus::host {
namespace {

// Outputs that are JSON documents are capped; object bodies are not (they
// stream to the caller's sink).
constexpr std::size_t kMaxJsonOutput = 64u << 20;

nexus_str str(std::string_view s) { return {s.data(), s.size()}; }

template <typename Table>
const Table& table_of(const LiveInstance& inst, const char* id) {
  const void* t = inst.table(id);
  if (!t) throw std::out_of_range("instance '" + inst.name() + "' does not provide " + id);
  return *static_cast<const Table*>(t);
}

void keep(StringSink& sink, std::string* out) {
  if (out) *out = sink.take();
}

}  // namespace

CallOutcome StorageClient::put(const CallOptions& o, const PutRequest& r, std::string* info_json) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "put");
  StringSink info(kMaxJsonOutput);
  nexus_put_options opts{sizeof(nexus_put_options), str(r.content_type), str(r.metadata_json),
                         r.if_absent ? NEXUS_PUT_IF_ABSENT : 0u, str(r.if_match)};
  const nexus_status s = t.on_put(inst_->handle(), scope.context(), str(r.key),
                                  {reinterpret_cast<const std::uint8_t*>(r.body.data()), r.body.size()}, &opts, info.writer());
  keep(info, info_json);
  return scope.outcome(s);
}

CallOutcome StorageClient::get(const CallOptions& o, std::string_view key, std::optional<nexus_byte_range> range,
                               const std::function<void(const std::string&)>& on_info, const BodySink& body) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "get");
  StringSink info(kMaxJsonOutput);
  bool info_delivered = false;
  auto deliver_info = [&] {
    if (!info_delivered) {
      info_delivered = true;
      if (on_info) on_info(info.str());
    }
  };
  CallbackSink body_sink([&](const void* data, std::size_t size) {
    deliver_info();  // info is complete once the first body byte arrives
    return body ? body(data, size) : true;
  });
  if (range) range->struct_size = sizeof(nexus_byte_range);
  const nexus_status s =
      t.on_get(inst_->handle(), scope.context(), str(key), range ? &*range : nullptr, info.writer(), body_sink.writer());
  if (!info.str().empty()) deliver_info();
  return scope.outcome(s);
}

ObjectFile::ObjectFile(ObjectFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), offset_(other.offset_) {}

ObjectFile& ObjectFile::operator=(ObjectFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    offset_ = other.offset_;
  }
  return *this;
}

ObjectFile::~ObjectFile() {
  if (fd_ >= 0) ::close(fd_);
}

CallOutcome StorageClient::open(const CallOptions& o, std::string_view key, std::string* info_json,
                                ObjectFile* file) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  // on_open is read only if the plugin's table reaches it (ABI 1.1).
  constexpr std::size_t kEnd = offsetof(nexus_storage_v1, on_open) + sizeof(nexus_storage_v1::on_open);
  if (t.struct_size < kEnd || t.on_open == nullptr)
    return {NEXUS_UNIMPLEMENTED, "instance '" + inst_->name() + "' offers no objects as files"};
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "open");
  StringSink info(kMaxJsonOutput);
  int fd = -1;
  std::uint64_t offset = 0;
  const nexus_status s = t.on_open(inst_->handle(), scope.context(), str(key), info.writer(), &fd, &offset);
  CallOutcome out = scope.outcome(s);
  if (out.ok()) {
    ObjectFile opened(fd, offset);  // ours from here, whatever happens next
    if (!opened.valid()) return {NEXUS_INTERNAL, "instance '" + inst_->name() + "' opened an object without a descriptor"};
    if (file) *file = std::move(opened);
  }
  keep(info, info_json);
  return out;
}

CallOutcome StorageClient::head(const CallOptions& o, std::string_view key, std::string* info_json) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "head");
  StringSink info(kMaxJsonOutput);
  const nexus_status s = t.on_head(inst_->handle(), scope.context(), str(key), info.writer());
  keep(info, info_json);
  return scope.outcome(s);
}

CallOutcome StorageClient::remove(const CallOptions& o, std::string_view key) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "delete");
  return scope.outcome(t.on_delete(inst_->handle(), scope.context(), str(key)));
}

CallOutcome StorageClient::list(const CallOptions& o, std::string_view prefix, std::string_view cursor, std::uint32_t limit,
                                std::string* listing_json) const {
  const auto& t = table_of<nexus_storage_v1>(*inst_, NEXUS_STORAGE_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "list");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_list(inst_->handle(), scope.context(), str(prefix), str(cursor), limit, out.writer());
  keep(out, listing_json);
  return scope.outcome(s);
}

CallOutcome AuthClient::authenticate(const CallOptions& o, const AuthRequest& r, nexus_auth_decision* decision,
                                     std::string* principal_json) const {
  const auto& t = table_of<nexus_auth_v1>(*inst_, NEXUS_AUTH_V1);
  std::vector<nexus_http_header> headers;
  headers.reserve(r.headers.size());
  for (const auto& h : r.headers) headers.push_back({str(h.name), str(h.value)});
  nexus_request_view view{sizeof(nexus_request_view), str(r.method),  str(r.path),
                          str(r.query),               headers.data(), headers.size(),
                          str(r.remote_address),      str(r.route_group)};
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "authenticate");
  StringSink principal(1u << 20);
  nexus_auth_decision d = NEXUS_AUTH_ABSTAIN;
  const nexus_status s = t.on_authenticate(inst_->handle(), scope.context(), &view, &d, principal.writer());
  if (decision) *decision = (s == NEXUS_OK) ? d : NEXUS_AUTH_ABSTAIN;
  keep(principal, principal_json);
  CallOutcome out = scope.outcome(s);
  if (s == NEXUS_OK && d == NEXUS_AUTH_DENY) out.message = scope.error_message();  // the reason for the denial
  return out;
}

CallOutcome TranscriptionClient::transcribe(const CallOptions& o, std::span<const std::uint8_t> audio, std::string_view media_type,
                                            std::string_view options_json, std::string* transcript_json) const {
  const auto& t = table_of<nexus_transcription_v1>(*inst_, NEXUS_TRANSCRIPTION_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "transcribe");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_transcribe(inst_->handle(), scope.context(), {audio.data(), audio.size()}, str(media_type),
                                         str(options_json), out.writer());
  keep(out, transcript_json);
  return scope.outcome(s);
}

CallOutcome ToolsClient::list_tools(const CallOptions& o, std::string* tools_json) const {
  const auto& t = table_of<nexus_tools_v1>(*inst_, NEXUS_TOOLS_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "list_tools");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_list_tools(inst_->handle(), scope.context(), out.writer());
  keep(out, tools_json);
  return scope.outcome(s);
}

CallOutcome ToolsClient::call_tool(const CallOptions& o, std::string_view name, std::string_view arguments_json,
                                   std::string* result_json) const {
  const auto& t = table_of<nexus_tools_v1>(*inst_, NEXUS_TOOLS_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "call_tool");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_call_tool(inst_->handle(), scope.context(), str(name), str(arguments_json), out.writer());
  keep(out, result_json);
  return scope.outcome(s);
}

CallOutcome ResourcesClient::list_resources(const CallOptions& o, std::string* listing_json) const {
  const auto& t = table_of<nexus_resources_v1>(*inst_, NEXUS_RESOURCES_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "list_resources");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_list_resources(inst_->handle(), scope.context(), out.writer());
  keep(out, listing_json);
  return scope.outcome(s);
}

CallOutcome ResourcesClient::read_resource(const CallOptions& o, std::string_view uri, std::string* result_json) const {
  const auto& t = table_of<nexus_resources_v1>(*inst_, NEXUS_RESOURCES_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "read_resource");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_read_resource(inst_->handle(), scope.context(), str(uri), out.writer());
  keep(out, result_json);
  return scope.outcome(s);
}

CallOutcome ResourcesClient::complete(const CallOptions& o, std::string_view uri_template, std::string_view argument,
                                      std::string_view partial, std::string_view context_json, std::string* result_json) const {
  const auto& t = table_of<nexus_resources_v1>(*inst_, NEXUS_RESOURCES_V1);
  if (!t.on_complete) return {NEXUS_UNIMPLEMENTED, "instance '" + inst_->name() + "' offers no completions"};
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "complete");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_complete(inst_->handle(), scope.context(), str(uri_template), str(argument), str(partial),
                                       str(context_json), out.writer());
  keep(out, result_json);
  return scope.outcome(s);
}

CallOutcome PromptsClient::list_prompts(const CallOptions& o, std::string* prompts_json) const {
  const auto& t = table_of<nexus_prompts_v1>(*inst_, NEXUS_PROMPTS_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "list_prompts");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_list_prompts(inst_->handle(), scope.context(), out.writer());
  keep(out, prompts_json);
  return scope.outcome(s);
}

CallOutcome PromptsClient::get_prompt(const CallOptions& o, std::string_view name, std::string_view arguments_json,
                                      std::string* result_json) const {
  const auto& t = table_of<nexus_prompts_v1>(*inst_, NEXUS_PROMPTS_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "get_prompt");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_get_prompt(inst_->handle(), scope.context(), str(name), str(arguments_json), out.writer());
  keep(out, result_json);
  return scope.outcome(s);
}

CallOutcome PromptsClient::complete(const CallOptions& o, std::string_view prompt, std::string_view argument,
                                    std::string_view partial, std::string_view context_json, std::string* result_json) const {
  const auto& t = table_of<nexus_prompts_v1>(*inst_, NEXUS_PROMPTS_V1);
  if (!t.on_complete) return {NEXUS_UNIMPLEMENTED, "instance '" + inst_->name() + "' offers no completions"};
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "complete");
  StringSink out(kMaxJsonOutput);
  const nexus_status s = t.on_complete(inst_->handle(), scope.context(), str(prompt), str(argument), str(partial),
                                       str(context_json), out.writer());
  keep(out, result_json);
  return scope.outcome(s);
}

CallOutcome TokensClient::mint(const CallOptions& o, std::string_view request_json, std::string* token_json) const {
  const auto& t = table_of<nexus_tokens_v1>(*inst_, NEXUS_TOKENS_V1);
  LiveInstance::CallGate gate(*inst_);
  CallScope scope(o, inst_->name(), "mint");
  StringSink out(1u << 20);
  const nexus_status s = t.on_mint(inst_->handle(), scope.context(), str(request_json), out.writer());
  keep(out, token_json);
  return scope.outcome(s);
}

}  // namespace nexus::host
