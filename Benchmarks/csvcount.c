/*
 * csvcount: the floor for CSVKit's reader. Streams a file through libcsv in 64 KiB fread chunks
 * with the reader's options (strict quotes, every line end reported, no space trimming) and only
 * counts fields and non-blank rows. Prints "rows <n> fields <n> bytes <n>".
 *
 * Build: cc -O2 Benchmarks/csvcount.c -lcsv -o csvcount
 * Usage: csvcount FILE [DELIMITER]   (DELIMITER defaults to ';')
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
    size_t rows;
    size_t fields;
    size_t fields_in_row;
};

static void on_field(void *field, size_t length, void *data) {
    (void)field;
    (void)length;
    ((struct counts *)data)->fields_in_row++;
}

static void on_row(int terminator, void *data) {
    (void)terminator;
    struct counts *counts = data;
    if (counts->fields_in_row > 0) {
        counts->rows++;
        counts->fields += counts->fields_in_row;
    }
    counts->fields_in_row = 0;
}

static int keep_spaces(unsigned char c) {
    (void)c;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: csvcount FILE [DELIMITER]\n");
        return 64;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 2;
    }
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
        fprintf(stderr, "csv_init failed\n");
        return 1;
    }
    csv_set_delim(&parser, argc > 2 ? (unsigned char)argv[2][0] : ';');
    csv_set_space_func(&parser, keep_spaces);
    csv_set_blk_size(&parser, 64 * 1024);

    static char buffer[64 * 1024];
    struct counts counts = {0, 0, 0};
    size_t total = 0;
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0) {
        total += got;
        if (csv_parse(&parser, buffer, got, on_field, on_row, &counts) != got) {
            fprintf(stderr, "%s: parse error: %s\n", argv[1], csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    if (ferror(file)) {
        perror(argv[1]);
        return 2;
    }
    if (csv_fini(&parser, on_field, on_row, &counts) != 0) {
        fprintf(stderr, "%s: parse error at end: %s\n", argv[1], csv_strerror(csv_error(&parser)));
        return 1;
    }
    csv_free(&parser);
    fclose(file);
    printf("rows %zu fields %zu bytes %zu\n", counts.rows, counts.fields, total);
    return 0;
}
