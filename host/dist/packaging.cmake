# Install layout and the Debian package (issue 11). Included from the top-level CMakeLists.txt;
# the targets' own install rules are next to them (host/, plugin/digicert_dcv/).
#
# With --prefix /usr (the package's prefix) the layout matches the host's built-in defaults:
#   bin/taskhost, bin/taskhost-plugin-probe     the probe must sit next to taskhost
#   lib/taskhost/plugins/digicert_dcv.so        kDefaultPluginDir, stripped (.gnu_debuglink)
#   lib/debug/<prefix>/lib/taskhost/plugins/    its debug info, where gdb looks for it (-dbg)
#   lib/taskhost/ledger-postgresql.so           loaded only for a PostgreSQL ledger (../lib/taskhost/)
#   include/taskhost/                           plugin.h (the ABI) and plugin_sdk.hpp
#   share/taskhost/manifests/                   manifest.schema.json and examples/
#   share/doc/taskhost/examples/config.json     an example /etc/taskhost/config.json
#   lib/systemd/system/                         taskhost.service, taskhost.socket
#   share/man/man1/, share/bash-completion/completions/
#   /etc/logrotate.d/taskhost                   only into a DESTDIR or a /usr install

set(TASKHOST_DIST_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TASKHOST_DIST_BUILD_DIR ${CMAKE_BINARY_DIR}/dist)
set(TASKHOST_PACKAGE_MAINTAINER "taskhost maintainers <taskhost@example.org>"
    CACHE STRING "The Maintainer of the Debian package (name <email>)")
set(TASKHOST_SYSTEMD_UNIT_DIR "lib/systemd/system"
    CACHE STRING "Where the systemd units are installed (relative to the prefix, or absolute)")

install(FILES ${CMAKE_SOURCE_DIR}/include/taskhost/plugin.h
              ${CMAKE_SOURCE_DIR}/include/taskhost/plugin_sdk.hpp
        DESTINATION include/taskhost)
install(FILES ${CMAKE_SOURCE_DIR}/manifests/manifest.schema.json
        DESTINATION share/taskhost/manifests)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/manifests/examples/
        DESTINATION share/taskhost/manifests/examples
        FILES_MATCHING PATTERN "*.json")
install(FILES ${TASKHOST_DIST_DIR}/examples/config.json
        DESTINATION share/doc/taskhost/examples)
install(FILES ${TASKHOST_DIST_DIR}/systemd/taskhost.service ${TASKHOST_DIST_DIR}/systemd/taskhost.socket
        DESTINATION ${TASKHOST_SYSTEMD_UNIT_DIR})
install(FILES ${TASKHOST_DIST_DIR}/bash-completion/taskhost
        DESTINATION share/bash-completion/completions)
install(FILES ${TASKHOST_DIST_DIR}/lintian-overrides
        DESTINATION share/lintian/overrides RENAME taskhost)
install(FILES ${TASKHOST_DIST_DIR}/debian/copyright DESTINATION share/doc/taskhost)

# Man pages and the changelog, compressed as Debian wants them (gzip -9n: no name, no time,
# so the package is reproducible). Made at configure time; editing a source re-runs it.
file(MAKE_DIRECTORY ${TASKHOST_DIST_BUILD_DIR})
set(TASKHOST_VERSION ${PROJECT_VERSION})
set(TASKHOST_DEB_VERSION ${PROJECT_VERSION})
# Now, or $SOURCE_DATE_EPOCH for a reproducible build.
string(TIMESTAMP TASKHOST_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
function(taskhost_gzip_configured source name)
  configure_file(${source} ${TASKHOST_DIST_BUILD_DIR}/${name} @ONLY)
  execute_process(COMMAND gzip -9nf ${name} WORKING_DIRECTORY ${TASKHOST_DIST_BUILD_DIR}
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "gzip ${TASKHOST_DIST_BUILD_DIR}/${name} failed")
  endif()
endfunction()
taskhost_gzip_configured(${TASKHOST_DIST_DIR}/man/taskhost.1 taskhost.1)
taskhost_gzip_configured(${TASKHOST_DIST_DIR}/man/taskhost-plugin-probe.1 taskhost-plugin-probe.1)
taskhost_gzip_configured(${TASKHOST_DIST_DIR}/debian/changelog.in changelog)
install(FILES ${TASKHOST_DIST_BUILD_DIR}/taskhost.1.gz ${TASKHOST_DIST_BUILD_DIR}/taskhost-plugin-probe.1.gz
        DESTINATION share/man/man1)
install(FILES ${TASKHOST_DIST_BUILD_DIR}/changelog.gz DESTINATION share/doc/taskhost)

# /etc is outside the prefix: a plain `cmake --install --prefix ~/x` leaves it alone; a package
# (DESTDIR) or a system install (--prefix /usr) gets the logrotate rules.
install(CODE "
  if(NOT \"\$ENV{DESTDIR}\" STREQUAL \"\" OR CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    file(INSTALL DESTINATION \"/etc/logrotate.d\" TYPE FILE RENAME taskhost
         FILES \"${TASKHOST_DIST_DIR}/logrotate/taskhost\")
  endif()")

# The Debian packages: `cpack -G DEB` in the build directory gives taskhost_VERSION_ARCH.deb
# (everything but the debug info: the default component) and taskhost-dbg_VERSION_ARCH.deb
# (the plugin's split debug info: the "debug" component).
install(FILES ${TASKHOST_DIST_DIR}/debian/copyright ${TASKHOST_DIST_BUILD_DIR}/changelog.gz
        DESTINATION share/doc/taskhost-dbg COMPONENT debug)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME taskhost)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "taskhost")
set(CPACK_PACKAGE_CONTACT ${TASKHOST_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Unspecified debug)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${TASKHOST_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME taskhost)
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SECTION admin)
set(CPACK_COMPONENT_UNSPECIFIED_DESCRIPTION
    "plugin host for configuration tasks (DigiCert DCV resends)\n\
taskhost loads plugins that speak a small C ABI and runs their tasks as\n\
configured accounts, from the command line, from manifests or as a daemon on\n\
a unix socket, with one ledger of every send. It ships the digicert_dcv\n\
plugin, which resends DigiCert CertCentral domain-control-validation emails,\n\
the systemd units of the daemon, and the headers to build plugins.")
# The shared libraries' packages (Poco, OpenSSL, libc, libstdc++) come from dpkg-shlibdeps.
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SHLIBDEPS ON)
# adduser for the system user; procps for the unit's ExecReload=/bin/kill (a minimal Debian has
# no /bin/kill: tests/package/fresh_debian_test.sh found it).
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_DEPENDS "adduser, procps")
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_RECOMMENDS "logrotate")
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_CONTROL_EXTRA
    ${TASKHOST_DIST_DIR}/debian/postinst
    ${TASKHOST_DIST_DIR}/debian/prerm
    ${TASKHOST_DIST_DIR}/debian/postrm
    ${TASKHOST_DIST_DIR}/debian/conffiles)

set(CPACK_DEBIAN_DEBUG_PACKAGE_NAME taskhost-dbg)
set(CPACK_DEBIAN_DEBUG_PACKAGE_SECTION debug)
set(CPACK_DEBIAN_DEBUG_PACKAGE_DEPENDS "taskhost (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_DEBUG_DESCRIPTION
    "debug info of the taskhost digicert_dcv plugin\n\
The DWARF debug info split out of digicert_dcv.so, where gdb finds it through\n\
the plugin's .gnu_debuglink.")
include(CPack)
