# Shared compile settings, consumed by every target as an INTERFACE library.
add_library(ccci_settings INTERFACE)
target_compile_options(ccci_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(CCCI_WERROR)
  target_compile_options(ccci_settings INTERFACE -Werror)
endif()
if(CCCI_SANITIZE)
  target_compile_options(ccci_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(ccci_settings INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(ccci_settings INTERFACE ${PROJECT_SOURCE_DIR})
