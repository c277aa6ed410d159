/* csv.h - the csv workload's file content, exposed for the tests. */
#ifndef IOBENCH_CSV_H
#define IOBENCH_CSV_H

#include <stddef.h>
#include <stdint.h>

/* Most rows a station file may have (about 21 MiB of text). */
#define CSV_MAX_ROWS 1000000ULL

/* Bytes csv_format() needs for @rows rows. */
size_t csv_capacity(uint64_t rows);

/*
 * Formats station @station's file: the header "date,anomaly", then @rows
 * monthly rows "YYYY-MM-01,value" from 1979-01 on, value printed with
 * %.6f.  Returns the length written into @buf (of @cap bytes).
 */
size_t csv_format(uint64_t seed, uint64_t station, uint64_t rows, char *buf,
		  size_t cap);

/* The value of one row: a deterministic anomaly in [-3, 3). */
double csv_value(uint64_t seed, uint64_t station, uint64_t row);

#endif
