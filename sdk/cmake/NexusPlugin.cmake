# nexus_add_plugin(<id> SOURCES <files...> [LIBRARIES <libs...>] [C]
#                  [INSTALL_DESTINATION <dir>])
#
# Builds a Nexus plugin the one way every plugin is built, first-party or not:
#   - a MODULE library named libnexus_<id>.so in NEXUS_PLUGIN_OUTPUT_DIR
#     (default: <build>/plugins);
#   - sees only the C ABI (nexus::plugin_api) and the SDK (nexus::sdk);
#   - hidden visibility and a version script, so the one entry symbol
#     nexus_plugin_entry_v1 is the only thing exported;
#   - -fno-gnu-unique, so dlclose really unloads it (hot reload).
# Pass C for a plain-C plugin that uses only the C headers, and
# INSTALL_DESTINATION to have `cmake --install` put the .so there (default:
# the variable NEXUS_PLUGIN_INSTALL_DIR if set, else not installed).
include_guard(GLOBAL)


function(nexus_add_plugin id)
  cmake_parse_arguments(ARG "C" "INSTALL_DESTINATION" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nexus_add_plugin(${id}): SOURCES is required")
  endif()
  if(NOT id MATCHES "^[a-z0-9][a-z0-9_-]*$")
    message(FATAL_ERROR "nexus_add_plugin(${id}): ids are lower-case letters, digits, '_' and '-'")
  endif()
  set(target nexus_plugin_${id})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(NOT DEFINED NEXUS_PLUGIN_OUTPUT_DIR)
    set(NEXUS_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
  endif()
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME nexus_${id}
    PREFIX lib
    LIBRARY_OUTPUT_DIRECTORY ${NEXUS_PLUGIN_OUTPUT_DIR}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_C)
    target_link_libraries(${target} PRIVATE nexus::plugin_api)
  else()
    target_link_libraries(${target} PRIVATE nexus::sdk)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-gnu-unique>)
  endif()
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${CMAKE_CURRENT_FUNCTION_LIST_DIR}/plugin.map" "-Wl,--no-undefined")
  if(ARG_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  endif()
  if(NOT ARG_INSTALL_DESTINATION AND DEFINED NEXUS_PLUGIN_INSTALL_DIR)
    set(ARG_INSTALL_DESTINATION ${NEXUS_PLUGIN_INSTALL_DIR})
  endif()
  if(ARG_INSTALL_DESTINATION)
    install(TARGETS ${target} LIBRARY DESTINATION ${ARG_INSTALL_DESTINATION})
  endif()
  # A build that wants "all plugins" as one target names it here.
  if(DEFINED NEXUS_PLUGIN_GROUP_TARGET AND TARGET ${NEXUS_PLUGIN_GROUP_TARGET})
    add_dependencies(${NEXUS_PLUGIN_GROUP_TARGET} ${target})
  endif()
endfunction()
