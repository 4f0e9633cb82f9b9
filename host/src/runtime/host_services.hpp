// runtime/host_services.hpp — the nexus_host callbacks given to instances.
#pragma once

#include <nexus/host.h>

namespace nexus::host {

class LiveInstance;

struct HostServices {
  // Fills `h` with this host's services; host_data is the instance.
  static void fill(nexus_host& h, LiveInstance* instance) noexcept;
};

}  // namespace nexus::host
