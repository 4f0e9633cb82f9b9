// The "openai" plugin: its config schema and its descriptor.
#include <nexus/sdk/plugin.hpp>

#include "openai_transcription.hpp"

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "openai transcription",
  "description": "Speech to text through an OpenAI-compatible POST /v1/audio/transcriptions: OpenAI, Azure OpenAI (auth_header \"api-key\", path and query), or a self-hosted Whisper server. Retries 408/429/5xx and connection errors with backoff, honouring Retry-After, within the call's deadline. See docs/transcription.md.",
  "type": "object",
  "additionalProperties": false,
  "required": ["api_key"],
  "properties": {
    "base_url": {
      "description": "Scheme, host, port and an optional path prefix of the server, without /v1 and without a query, e.g. \"https://api.openai.com\", \"https://my-resource.openai.azure.com\", \"http://127.0.0.1:8000\".",
      "type": "string",
      "pattern": "^https?://[^?#@]+$",
      "default": "https://api.openai.com"
    },
    "path": {
      "description": "Path appended to base_url. Azure OpenAI: \"/openai/deployments/<deployment>/audio/transcriptions\".",
      "type": "string",
      "pattern": "^/[^?# ]*$",
      "default": "/v1/audio/transcriptions"
    },
    "query": {
      "description": "URL-encoded query appended after '?', e.g. \"api-version=2024-06-01\" for Azure OpenAI. Empty: none.",
      "type": "string",
      "default": ""
    },
    "api_key": {
      "description": "The provider's API key. Write \"${OPENAI_API_KEY}\" and export OPENAI_API_KEY in nexusd's environment; never logged. An empty key is refused when the instance is created, with a message saying where to set it (a keyless local server takes any placeholder such as \"none\").",
      "type": "string",
      "maxLength": 1024,
      "x-nexus-secret": true
    },
    "auth_header": {
      "description": "How the key is sent: \"authorization\" (Authorization: Bearer KEY; OpenAI and most compatible servers) or \"api-key\" (api-key: KEY; Azure OpenAI).",
      "type": "string",
      "enum": ["authorization", "api-key"],
      "default": "authorization"
    },
    "model": {
      "description": "Model sent with each request unless the call's options name another, e.g. \"whisper-1\", \"gpt-4o-transcribe\" (json/text only). Azure picks the model by deployment and ignores this.",
      "type": "string",
      "minLength": 1,
      "maxLength": 128,
      "default": "whisper-1"
    },
    "response_format": {
      "description": "Format asked of the provider unless the call's options name another. verbose_json gives language, duration, segments and word timings; json and text give the text only.",
      "type": "string",
      "enum": ["json", "verbose_json", "text"],
      "default": "verbose_json"
    },
    "language": {
      "description": "ISO-639-1 code of the spoken language (\"en\"), unless the call's options name another; unset: the provider detects it.",
      "type": "string",
      "minLength": 2,
      "maxLength": 16
    },
    "prompt": {
      "description": "Text that guides style and vocabulary (names, jargon), unless the call's options give another.",
      "type": "string",
      "maxLength": 4096
    },
    "temperature": {
      "description": "Sampling temperature 0..1 unless the call's options give another; unset: the provider's default.",
      "type": "number",
      "minimum": 0,
      "maximum": 1
    },
    "timeout_ms": {
      "description": "Time allowed for one HTTP attempt (upload, transcription, answer) in milliseconds; the call's deadline wins when sooner.",
      "type": "integer",
      "minimum": 100,
      "maximum": 3600000,
      "default": 300000
    },
    "max_retries": {
      "description": "Retries after 408, 429 (not insufficient_quota), 5xx or a connection error, with exponential backoff and full jitter or the server's Retry-After (up to 60 s), never past the call's deadline. Other 4xx are never retried.",
      "type": "integer",
      "minimum": 0,
      "maximum": 10,
      "default": 2
    },
    "max_audio_bytes": {
      "description": "Larger audio is refused with resource_exhausted before anything is sent. OpenAI's limit is 25 MiB.",
      "type": "integer",
      "minimum": 1,
      "maximum": 1073741824,
      "default": 26214400
    }
  }
})json";

}  // namespace

NEXUS_PLUGIN(
    nexus::plugins::openai::OpenAiTranscription, .id = "openai", .version = "1.0.0",
    .description =
        "Speech to text through an OpenAI-compatible /v1/audio/transcriptions (OpenAI, Azure OpenAI, Whisper servers)",
    .license = "Apache-2.0", .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
