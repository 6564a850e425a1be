#pragma once
// The voice channel's ports live in services (the store implements them); these names keep the
// channel's code short.
#include "cc/services/ports/voice_calls.hpp"

namespace cc::channels::voice {

using services::CallEvent;
using services::CallRecord;
using services::CallRequest;
using services::CallRouter;
using services::VoiceCallStore;

}  // namespace cc::channels::voice
