#include "daemon/plugin_registry.h"

namespace taskhost {

std::shared_ptr<const PluginCatalog> PluginRegistry::catalog() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return catalog_;
}

std::shared_ptr<const ReloadReport> PluginRegistry::last_reload() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_reload_;
}

void PluginRegistry::publish(std::shared_ptr<const PluginCatalog> catalog,
                             std::shared_ptr<const ReloadReport> report) {
    std::shared_ptr<const PluginCatalog> old;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        old = std::move(catalog_);
        catalog_ = std::move(catalog);
        last_reload_ = std::move(report);
    }
    // `old` goes here, outside the lock: when it held the last reference to a generation,
    // dlclose runs now, and nobody waits on the lock for it.
}

void PluginRegistry::publish_report(std::shared_ptr<const ReloadReport> report) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_reload_ = std::move(report);
}

}  // namespace taskhost
