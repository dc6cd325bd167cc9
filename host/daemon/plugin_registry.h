// The plugins the daemon serves right now: the newest catalog (each plugin's newest good
// generation) and the report of the reload that produced it. Readers take a snapshot (a
// shared_ptr) and keep using it however long they need; a reload publishes a new one
// atomically, and an old catalog (with its generations) goes when its last reader lets go.
#pragma once

#include <memory>
#include <mutex>

#include "daemon/reload_report.h"
#include "plugins/plugin_catalog.h"

namespace taskhost {

class PluginRegistry {
  public:
    std::shared_ptr<const PluginCatalog> catalog() const;
    std::shared_ptr<const ReloadReport> last_reload() const;

    void publish(std::shared_ptr<const PluginCatalog> catalog,
                 std::shared_ptr<const ReloadReport> report);
    // A reload that changed nothing (the directory could not be read) still has a report.
    void publish_report(std::shared_ptr<const ReloadReport> report);

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const PluginCatalog> catalog_ = std::make_shared<PluginCatalog>();
    std::shared_ptr<const ReloadReport> last_reload_;
};

}  // namespace taskhost
