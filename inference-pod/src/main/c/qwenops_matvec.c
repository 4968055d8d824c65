// BF16 and Q8 matrix products on x86-64 with AVX512-BF16's dot product (VDPBF16PS: 32 bf16
// products a vector, accumulated in F32), which the Vector API does not expose. Java calls them
// through FFM (model/matvec/NativeKernels.java) on the weights' own native memory.
//
// y[j * out + r] (+)= W[r, :] . x[j] for rows [from, to) and columns j < cols, where W is [out, in]
// row-major and x holds cols activation columns of in entries, rounded to bf16 (nearest even) once
// per product by qk_bf16_pack: as llama.cpp's BF16 and a BF16 model on a GPU compute.
// - BF16: W's bf16 entries as they are.
// - Q8: W in int8 with one F32 scale per 32 entries of a row; each entry is dequantised (int8 x
//   scale, rounded to bf16) and multiplied the same way. Narrow products widen in registers, wide
//   ones widen each tile of four rows once into a per-thread scratch: the same bf16 values.
//
// Every output entry is one accumulator over the row in a fixed order, summed across lanes in a
// fixed order: a column's result does not depend on the tile it was computed in, on how many columns
// share the call, or on how rows are split between threads (greedy tokens stay batch-invariant).
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>

#define KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16")))
#define INLINE static inline __attribute__((always_inline))

enum { GROUP = 32, MAX_ROWS = 8, MAX_COLS = 4 };

// Activation bytes one column chunk may take, so a wide product's activations stay in L2.
static const int64_t CHUNK_BYTES = 384 << 10;

// 1 when this CPU runs the kernels; the Java side keeps its own kernels otherwise.
int qk_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bf16");
}

static int min_int(int a, int b) { return a < b ? a : b; }

// Columns one chunk takes: all of a narrow product, else as many multiples of MAX_COLS as fit.
static int chunk_columns(int64_t column_bytes, int cols) {
  if (cols <= MAX_COLS) return cols;
  int64_t fit = CHUNK_BYTES / column_bytes / MAX_COLS * MAX_COLS;
  return fit < MAX_COLS ? MAX_COLS : (fit > cols ? cols : (int)fit);
}

KERNEL INLINE void store(float* y, int64_t at, int add, __m512 acc) {
  float s = _mm512_reduce_add_ps(acc);
  y[at] = add ? y[at] + s : s;
}

// A 4 x 4 tile's sums at once: v[4i + j] is row i, column j. Lanes are paired as
// _mm512_reduce_add_ps pairs them, (l, l + 8), then (l, l + 4), then (l, l + 2), then (l, l + 1),
// so every sum has the bits store() gives it, in 45 operations instead of 16 reductions of ~8. The
// column j's four rows land in 128-bit quarter j; rows are consecutive (stride 1) in y.
KERNEL INLINE void store_4x4(float* y, int64_t at, int64_t column_stride, int add,
                             const __m512* v) {
  __m512 w1[8], w2[4], w3[2];
  for (int m = 0; m < 8; m++)  // lanes 0-7: v[2m]'s (l, l + 8) sums; lanes 8-15: v[2m + 1]'s
    w1[m] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * m], v[2 * m + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                          _mm512_shuffle_f32x4(v[2 * m], v[2 * m + 1], _MM_SHUFFLE(3, 2, 3, 2)));
  for (int m = 0; m < 4; m++)  // quarter q: v[4m + q]'s (l, l + 4) sums
    w2[m] = _mm512_add_ps(_mm512_shuffle_f32x4(w1[2 * m], w1[2 * m + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_f32x4(w1[2 * m], w1[2 * m + 1], _MM_SHUFFLE(3, 1, 3, 1)));
  for (int m = 0; m < 2; m++)  // per quarter: w2[2m]'s (l, l + 2) sums, then w2[2m + 1]'s
    w3[m] = _mm512_add_ps(_mm512_shuffle_ps(w2[2 * m], w2[2 * m + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                          _mm512_shuffle_ps(w2[2 * m], w2[2 * m + 1], _MM_SHUFFLE(3, 2, 3, 2)));
  // lane 4q + t: the whole sum of v[4t + q], row t of column q
  __m512 sums = _mm512_add_ps(_mm512_shuffle_ps(w3[0], w3[1], _MM_SHUFFLE(2, 0, 2, 0)),
                              _mm512_shuffle_ps(w3[0], w3[1], _MM_SHUFFLE(3, 1, 3, 1)));
  __m128 q[4] = {_mm512_extractf32x4_ps(sums, 0), _mm512_extractf32x4_ps(sums, 1),
                 _mm512_extractf32x4_ps(sums, 2), _mm512_extractf32x4_ps(sums, 3)};
  for (int j = 0; j < 4; j++) {
    float* p = y + at + j * column_stride;
    _mm_storeu_ps(p, add ? _mm_add_ps(_mm_loadu_ps(p), q[j]) : q[j]);
  }
}

// ---- Tiles ---------------------------------------------------------------------------------------

// x[0, n) rounded to bf16, nearest even.
KERNEL void qk_bf16_pack(const float* x, int64_t n, uint16_t* out) {
  int64_t k = 0;
  for (; k + 16 <= n; k += 16) {
    __m256bh v = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + k));
    _mm256_storeu_si256((__m256i*)(out + k), (__m256i)v);
  }
  if (k < n) {
    __mmask16 m = (__mmask16)((1u << (n - k)) - 1);
    __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, x + k));
    _mm256_mask_storeu_epi16(out + k, m, (__m256i)v);
  }
}

// 32 Q8 entries (one group) dequantised: int8 x scale in F32, rounded to bf16 (nearest even).
KERNEL INLINE __m512bh q8_to_bf16(const int8_t* q, float scale) {
  // Sign-extending loads (VPMOVSXBD from memory): no separate load and lane extract.
  __m512 s = _mm512_set1_ps(scale);
  __m512 lo = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i*)q))), s);
  __m512 hi = _mm512_mul_ps(
      _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i*)(q + 16)))), s);
  return _mm512_cvtne2ps_pbh(hi, lo);
}

// One step of 32 entries for every row and column of a tile; LOAD_W(i, k) gives row i's weights.
#define TILE_STEP(k, LOAD_X, LOAD_W)                                                 \
  {                                                                                  \
    __m512bh xv[MAX_COLS];                                                           \
    for (int j = 0; j < C; j++) xv[j] = LOAD_X(xc[j] + (k));                         \
    for (int i = 0; i < R; i++) {                                                    \
      __m512bh wv = LOAD_W(i, k);                                                    \
      for (int j = 0; j < C; j++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], wv, xv[j]); \
    }                                                                                \
  }
#define FULL(p) ((__m512bh)_mm512_loadu_si512(p))
#define TAIL(p) ((__m512bh)_mm512_maskz_loadu_epi16(tail, p))  // masked off: zero, adds nothing

// R rows x C columns (c0 ...) of bf16 dot products, one accumulator each. Row i's weights: bf16 at
// w + i * wstride, or (Q8) int8 at q + i * wstride with scales at s + i * wstride / 32, dequantised
// in registers; its output row is r0 + i * stride.
KERNEL INLINE void tile(const uint16_t* w, const int8_t* q, const float* s, int64_t wstride, int in,
                        const uint16_t* x, float* y, int out, int add, int r0, int stride, int c0,
                        const int Q8, const int R, const int C) {
  __m512 acc[MAX_ROWS][MAX_COLS];
  const uint16_t* xc[MAX_COLS];
  for (int j = 0; j < C; j++) xc[j] = x + (int64_t)(c0 + j) * in;
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) acc[i][j] = _mm512_setzero_ps();
  int k = 0;
  if (Q8) {  // rows are whole groups of 32: no tail
#define Q8_W(i, k) q8_to_bf16(q + (i) * wstride + (k), s[((i) * wstride + (k)) / GROUP])
    for (; k < in; k += 32) TILE_STEP(k, FULL, Q8_W)
  } else {
#define BF16_W(i, k) FULL(w + (i) * wstride + (k))
#define BF16_TAIL_W(i, k) TAIL(w + (i) * wstride + (k))
    for (; k + 32 <= in; k += 32) TILE_STEP(k, FULL, BF16_W)
    if (k < in) {
      __mmask32 tail = (__mmask32)((1ull << (in - k)) - 1);
      TILE_STEP(k, TAIL, BF16_TAIL_W)
    }
  }
  if (R == 4 && C == 4 && stride == 1) {
    __m512 v[16];
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) v[4 * i + j] = acc[i][j];
    store_4x4(y, (int64_t)c0 * out + r0, out, add, v);
    return;
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      store(y, (int64_t)(c0 + j) * out + r0 + i * stride, add, acc[i][j]);
}

// Rows [r0, r0 + n) of a Q8 matrix dequantised to bf16 into out (n rows of in).
KERNEL static void q8_rows_to_bf16(const int8_t* q, const float* s, int in, int r0, int n,
                                   uint16_t* out) {
  int64_t first = (int64_t)r0 * in;
  for (int64_t k = 0; k < (int64_t)n * in; k += 32) {
    __m512bh v = q8_to_bf16(q + first + k, s[(first + k) / GROUP]);
    _mm512_storeu_si512(out + k, (__m512i)v);
  }
}

// A per-thread scratch of at least n bf16 entries (kept for the thread's life: the kernel's threads
// are few and long-lived).
static uint16_t* scratch(int64_t n) {
  static __thread uint16_t* buffer;
  static __thread int64_t size;
  if (size < n) {
    free(buffer);
    buffer = aligned_alloc(64, (size_t)((n * 2 + 63) / 64 * 64));
    size = buffer ? n : 0;
  }
  return buffer;
}

// ---- Row loops -----------------------------------------------------------------------------------

// Each tile shape compiled on its own, so the accumulators live in registers.
#define TILE(R, C)                                                                             \
  KERNEL static void bf16_##R##x##C(const uint16_t* w, int64_t wstride, int in,                \
                                    const uint16_t* x, float* y, int out, int add, int r0,     \
                                    int stride, int c0) {                                      \
    tile(w, NULL, NULL, wstride, in, x, y, out, add, r0, stride, c0, 0, R, C);                 \
  }                                                                                            \
  KERNEL static void q8_##R##x##C(const int8_t* q, const float* s, int64_t wstride, int in,    \
                                  const uint16_t* x, float* y, int out, int add, int r0,       \
                                  int stride, int c0) {                                        \
    tile(NULL, q, s, wstride, in, x, y, out, add, r0, stride, c0, 1, R, C);                    \
  }
TILE(1, 1) TILE(2, 1) TILE(3, 1) TILE(4, 1) TILE(5, 1) TILE(6, 1) TILE(7, 1) TILE(8, 1)
TILE(1, 2) TILE(2, 2) TILE(3, 2) TILE(4, 2) TILE(1, 3) TILE(2, 3) TILE(3, 3) TILE(4, 3)
TILE(1, 4) TILE(2, 4) TILE(3, 4) TILE(4, 4)

typedef void (*bf16_fn)(const uint16_t*, int64_t, int, const uint16_t*, float*, int, int, int, int,
                        int);
typedef void (*q8_fn)(const int8_t*, const float*, int64_t, int, const uint16_t*, float*, int, int,
                      int, int, int);

#define ONE_COLUMN(P) {P##_1x1, P##_2x1, P##_3x1, P##_4x1, P##_5x1, P##_6x1, P##_7x1, P##_8x1}
#define WIDE(P)                                     \
  {{P##_1x1, P##_1x2, P##_1x3, P##_1x4},            \
   {P##_2x1, P##_2x2, P##_2x3, P##_2x4},            \
   {P##_3x1, P##_3x2, P##_3x3, P##_3x4},            \
   {P##_4x1, P##_4x2, P##_4x3, P##_4x4}}
static const bf16_fn BF16_ONE[MAX_ROWS] = ONE_COLUMN(bf16);
static const bf16_fn BF16_WIDE[4][MAX_COLS] = WIDE(bf16);
static const q8_fn Q8_ONE[MAX_ROWS] = ONE_COLUMN(q8);
static const q8_fn Q8_WIDE[4][MAX_COLS] = WIDE(q8);

// A narrow product (one to four columns, streaming the weights from memory) reads its rows from
// far apart in [from, to) (eighths of it for one column, quarters for more), so each accumulator
// streams one long run of memory. NARROW(fn, r0, stride, c0) computes one tile.
#define NARROW_ROWS(NARROW, ONE, WIDE_TILES)                                           \
  int parts = cols == 1 ? MAX_ROWS : 4;                                                \
  int far = (to - from) / parts;                                                       \
  for (int t = 0; t < far; t++) {                                                      \
    NARROW(cols == 1 ? ONE[MAX_ROWS - 1] : WIDE_TILES[3][cols - 1], from + t, far, 0); \
  }                                                                                    \
  int rest = from + far * parts;                                                       \
  if (cols == 1 && rest < to) {                                                        \
    NARROW(ONE[to - rest - 1], rest, 1, 0);                                            \
  } else {                                                                             \
    for (int r0 = rest; r0 < to; r0 += 4) {                                            \
      NARROW(WIDE_TILES[min_int(4, to - r0) - 1][cols - 1], r0, 1, 0);                 \
    }                                                                                  \
  }

// A wide product: tiles of four neighbouring rows, read from cache once per group of four
// columns, over column chunks whose activations stay in L2. Q8 rows (q != NULL) are dequantised
// once per tile and chunk into rows_bf16; BF16 rows are read in place.
static void wide_rows(const uint16_t* w, const int8_t* q, const float* s, uint16_t* rows_bf16,
                      int in, const uint16_t* x, int cols, float* y, int out, int add, int from,
                      int to) {
  int chunk = chunk_columns((int64_t)in * 2, cols);
  for (int c_start = 0; c_start < cols; c_start += chunk) {
    int c_end = min_int(cols, c_start + chunk);
    for (int r0 = from; r0 < to; r0 += 4) {
      int rows = min_int(4, to - r0);
      const uint16_t* tile_w = w + (int64_t)r0 * in;
      if (q) {
        q8_rows_to_bf16(q, s, in, r0, rows, rows_bf16);
        tile_w = rows_bf16;
      }
      for (int c0 = c_start; c0 < c_end; c0 += MAX_COLS) {
        BF16_WIDE[rows - 1][min_int(MAX_COLS, c_end - c0) - 1](tile_w, in, in, x, y, out, add, r0,
                                                                1, c0);
      }
    }
  }
}

void qk_bf16_rows(const uint16_t* w, int in, const uint16_t* x, int cols, float* y, int out,
                  int add, int from, int to) {
#define BF16_AT(fn, r0, stride, c0) \
  (fn)(w + (int64_t)(r0) * in, (int64_t)(stride) * in, in, x, y, out, add, r0, stride, c0)
  if (cols <= MAX_COLS) {
    NARROW_ROWS(BF16_AT, BF16_ONE, BF16_WIDE)
    return;
  }
  wide_rows(w, NULL, NULL, NULL, in, x, cols, y, out, add, from, to);
}

// 0 on success, -1 when the scratch for a wide product could not be allocated.
int qk_q8_rows(const int8_t* q, const float* s, int in, const uint16_t* x, int cols, float* y,
               int out, int add, int from, int to) {
#define Q8_AT(fn, r0, stride, c0)                                                             \
  (fn)(q + (int64_t)(r0) * in, s + (int64_t)(r0) * (in / GROUP), (int64_t)(stride) * in, in, x, \
       y, out, add, r0, stride, c0)
  if (cols <= MAX_COLS) {
    NARROW_ROWS(Q8_AT, Q8_ONE, Q8_WIDE)
    return 0;
  }
  uint16_t* rows_bf16 = scratch((int64_t)4 * in);
  if (!rows_bf16) return -1;
  wide_rows(NULL, q, s, rows_bf16, in, x, cols, y, out, add, from, to);
  return 0;
}
