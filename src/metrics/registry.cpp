#include "cc/metrics/registry.hpp"

#include <cstdio>

namespace cc::metrics {
namespace {

std::string series_name(std::string_view name, std::string_view labels) {
  std::string out(name);
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  return out;
}

void append_number(std::string& out, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  out += buffer;
}

}  // namespace

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += name;
    out += "_bucket{" + prefix + "le=\"";
    append_number(out, kBounds[i]);
    out += "\"} " + std::to_string(cumulative) + "\n";
  }
  out += std::string(name) + "_bucket{" + prefix + "le=\"+Inf\"} " + std::to_string(count()) +
         "\n";
  out += series_name(std::string(name) + "_sum", labels) + " ";
  append_number(out, static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += "\n" + series_name(std::string(name) + "_count", labels) + " " +
         std::to_string(count()) + "\n";
}

Registry::Family& Registry::family(std::string_view name, std::string_view help,
                                   std::string_view type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = std::string(help);
    it->second.type = std::string(type);
  }
  return it->second;
}

template <class Series>
static Series& find_or_add(std::map<std::string, std::unique_ptr<Series>, std::less<>>& map,
                           std::string_view labels) {
  auto it = map.find(labels);
  if (it == map.end()) it = map.emplace(std::string(labels), std::make_unique<Series>()).first;
  return *it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help,
                           std::string_view labels) {
  std::lock_guard lock(mutex_);
  return find_or_add(family(name, help, "counter").counters, labels);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, std::string_view labels) {
  std::lock_guard lock(mutex_);
  return find_or_add(family(name, help, "gauge").gauges, labels);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::string_view labels) {
  std::lock_guard lock(mutex_);
  return find_or_add(family(name, help, "histogram").histograms, labels);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, counter] : family.counters) {
      out += series_name(name, labels) + " " + std::to_string(counter->value()) + "\n";
    }
    for (const auto& [labels, gauge] : family.gauges) {
      out += series_name(name, labels) + " " + std::to_string(gauge->value()) + "\n";
    }
    for (const auto& [labels, histogram] : family.histograms) {
      histogram->render(out, name, labels);
    }
  }
  return out;
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace cc::metrics
