// Counters, gauges and histograms with labels, written out in the Prometheus text exposition
// format 0.0.4. Thread-safe (one mutex: a scrape or an update is a few map operations). Label
// values are escaped per the format and bounded in length; each family holds at most
// kMaxSeriesPerFamily label sets, so callers' strings (task names) cannot grow it without
// bound: further label sets are dropped and counted in taskhost_metrics_dropped_series_total.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace taskhost {

constexpr size_t kMaxSeriesPerFamily = 1000;
constexpr size_t kMaxLabelValueChars = 128;

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricRegistry {
  public:
    // Declares a family (once; `bounds` only for histograms, ascending, +Inf added).
    void declare(const std::string& name, const std::string& help, MetricType type,
                 std::vector<double> bounds = {});

    void add(const std::string& name, const MetricLabels& labels, double amount = 1);
    void set(const std::string& name, const MetricLabels& labels, double value);
    void observe(const std::string& name, const MetricLabels& labels, double value);

    // Every declared family, in declaration order: # HELP, # TYPE, then its series.
    std::string exposition() const;
    // Label sets refused at kMaxSeriesPerFamily so far.
    uint64_t dropped() const;

  private:
    struct Series {
        double value = 0;               // counter / gauge; histogram: the sum
        uint64_t count = 0;             // histogram
        std::vector<uint64_t> buckets;  // histogram: per bound, not cumulative
    };
    struct Family {
        std::string name;
        std::string help;
        MetricType type = MetricType::kCounter;
        std::vector<double> bounds;
        std::map<std::string, Series> series;  // by rendered label set
    };

    Series* series_for(const std::string& name, const MetricLabels& labels);
    void write_family(const Family& family, std::string& out) const;

    mutable std::mutex mutex_;
    std::vector<Family> families_;
    uint64_t dropped_ = 0;
};

// The taskhost_metrics_dropped_series_total family (written once per scrape).
std::string dropped_series_exposition(uint64_t dropped);

// `{a="x",b="y"}` (or "" for none), values escaped (\\, \", \n) and bounded.
std::string render_labels(const MetricLabels& labels);

// A sample value as the format writes it (integers without a fraction; +Inf, -Inf, NaN).
std::string metric_number(double value);

}  // namespace taskhost
