#pragma once

#include <ostream>

#include "load.hpp"

namespace photoflow::bench {

// Latency at quantile q (0..1) of sorted latencies, in milliseconds.
double QuantileMs(const std::vector<uint32_t>& sorted_us, double q);

// A readable table, or one JSON object on one line.
void PrintTable(const LoadResult& result, std::ostream& out);
void PrintJson(const LoadResult& result, std::ostream& out);

}  // namespace photoflow::bench
