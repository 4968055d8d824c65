// BF16 and Q8 matrix products on x86-64 with AVX512-BF16 (VDPBF16PS) and AVX512-VNNI (VPDPBUSD):
// the dot-product instructions the Vector API does not expose. Java calls them through FFM
// (model/matvec/NativeKernels.java) on the weights' own native memory.
//
// y[j * out + r] (+)= W[r, :] . x[j] for rows [from, to) and columns j < cols, where W is [out, in]
// row-major and x holds cols activation columns of in entries, prepared once per product:
// - BF16: W and x in bf16 (x rounded to nearest even by qk_bf16_pack); products of bf16 pairs
//   accumulate in F32, as llama.cpp's BF16 and a BF16 model on a GPU compute them.
// - Q8: W in int8 with one F32 scale per 32 entries of a row; x quantised the same way by
//   qk_q8_pack (llama.cpp's Q8_0 x Q8_0). Each 32-entry group's integer dot is exact; it is then
//   scaled by the two group scales and accumulated in F32.
//
// Every output entry is one accumulator over the row in a fixed order, summed across lanes in a
// fixed order: a column's result does not depend on the tile it was computed in, on how many columns
// share the call, or on how rows are split between threads (greedy tokens stay batch-invariant).
#include <immintrin.h>
#include <stdint.h>

#define KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,avx512vnni")))
#define INLINE static inline __attribute__((always_inline))

enum { GROUP = 32, MAX_ROWS = 8, MAX_COLS = 4 };

// Activation bytes one column chunk may take, so a wide product's activations stay in L2.
static const int64_t CHUNK_BYTES = 384 << 10;

// 1 when this CPU runs the kernels; the Java side keeps its own kernels otherwise.
int qk_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni");
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

// ---- BF16 ----------------------------------------------------------------------------------------

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

// R rows (r0, r0 + stride, ...) x C columns (c0 ...) of bf16 dot products, one accumulator each.
KERNEL INLINE void bf16_tile(const uint16_t* w, int in, const uint16_t* x, float* y, int out,
                             int add, int r0, int stride, int c0, const int R, const int C) {
  __m512 acc[MAX_ROWS][MAX_COLS];
  const uint16_t* wr[MAX_ROWS];
  const uint16_t* xc[MAX_COLS];
  for (int i = 0; i < R; i++) wr[i] = w + (int64_t)(r0 + i * stride) * in;
  for (int j = 0; j < C; j++) xc[j] = x + (int64_t)(c0 + j) * in;
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) acc[i][j] = _mm512_setzero_ps();
  int k = 0;
  for (; k + 32 <= in; k += 32) {
    __m512bh xv[MAX_COLS];
    for (int j = 0; j < C; j++) xv[j] = (__m512bh)_mm512_loadu_si512(xc[j] + k);
    for (int i = 0; i < R; i++) {
      __m512bh wv = (__m512bh)_mm512_loadu_si512(wr[i] + k);
      for (int j = 0; j < C; j++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], wv, xv[j]);
    }
  }
  if (k < in) {  // masked-off entries load as zero and add nothing
    __mmask32 m = (__mmask32)((1ull << (in - k)) - 1);
    __m512bh xv[MAX_COLS];
    for (int j = 0; j < C; j++) xv[j] = (__m512bh)_mm512_maskz_loadu_epi16(m, xc[j] + k);
    for (int i = 0; i < R; i++) {
      __m512bh wv = (__m512bh)_mm512_maskz_loadu_epi16(m, wr[i] + k);
      for (int j = 0; j < C; j++) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], wv, xv[j]);
    }
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      store(y, (int64_t)(c0 + j) * out + r0 + i * stride, add, acc[i][j]);
}

// ---- Q8 ------------------------------------------------------------------------------------------

// x[0, n) (n a multiple of 32) as int8 with one scale per 32 entries: scale = max|x| / 127.
KERNEL void qk_q8_pack(const float* x, int64_t n, int8_t* q, float* scales) {
  const __m512 abs_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
  for (int64_t g = 0; g < n; g += GROUP) {
    __m512 a = _mm512_loadu_ps(x + g), b = _mm512_loadu_ps(x + g + 16);
    float max = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_and_ps(a, abs_mask),
                                                   _mm512_and_ps(b, abs_mask)));
    float scale = max / 127.0f;
    __m512 inverse = _mm512_set1_ps(scale == 0 ? 0 : 1.0f / scale);
    scales[g / GROUP] = scale;
    __m512i qa = _mm512_cvtps_epi32(_mm512_mul_ps(a, inverse));  // nearest even
    __m512i qb = _mm512_cvtps_epi32(_mm512_mul_ps(b, inverse));
    _mm_storeu_si128((__m128i*)(q + g), _mm512_cvtsepi32_epi8(qa));
    _mm_storeu_si128((__m128i*)(q + g + 16), _mm512_cvtsepi32_epi8(qb));
  }
}

// Two groups' scales as lanes: the first 8 lanes (group g's 8 int32 sums) get s[0], the rest s[1]
// (zero when only one group is left).
KERNEL INLINE __m512 group_scales(const float* s, int both) {
  const __m512i halves = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  __m128 two = _mm_maskz_loadu_ps(both ? 3 : 1, s);
  return _mm512_permutexvar_ps(halves, _mm512_castps128_ps512(two));
}

// One step of 64 entries (or a last 32). Each group's integer dot is exact; it is then scaled by
// both groups' scales and accumulated in F32. VPDPBUSD multiplies unsigned by signed bytes:
// - a lone column moves x's sign onto w and multiplies |x| by ±w (the sign work is x's, shared by
//   the tile's rows);
// - wider tiles multiply x + 128 (x's bits with the top one flipped) by w and start each sum at
//   -128·Σw, computed once per row (the correction is w's, shared by the tile's columns).
// Both give the same integers, so the bits do not depend on the tile.
KERNEL INLINE void q8_tile(const int8_t* w, const float* wscales, int in, const int8_t* x,
                           const float* xscales, float* y, int out, int add, int r0, int stride,
                           int c0, const int R, const int C) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i top = _mm512_set1_epi8((char)0x80);
  __m512 acc[MAX_ROWS][MAX_COLS];
  const int8_t* wr[MAX_ROWS];
  const float* wsr[MAX_ROWS];
  const int8_t* xc[MAX_COLS];
  const float* xsc[MAX_COLS];
  for (int i = 0; i < R; i++) {
    int64_t r = r0 + (int64_t)i * stride;
    wr[i] = w + r * in;
    wsr[i] = wscales + r * (in / GROUP);
  }
  for (int j = 0; j < C; j++) {
    xc[j] = x + (int64_t)(c0 + j) * in;
    xsc[j] = xscales + (int64_t)(c0 + j) * (in / GROUP);
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++) acc[i][j] = _mm512_setzero_ps();
  for (int k = 0; k < in; k += 64) {
    int both = in - k >= 64;  // else one group of 32 is left: load half, the rest reads as 0
    __mmask64 m = both ? ~0ull : 0xFFFFFFFFull;
    __m512i xu[MAX_COLS];
    __mmask64 xneg[MAX_COLS];
    __m512 xs[MAX_COLS];
    for (int j = 0; j < C; j++) {
      __m512i xv = _mm512_maskz_loadu_epi8(m, xc[j] + k);
      if (C == 1) {
        xu[j] = _mm512_abs_epi8(xv);
        xneg[j] = _mm512_movepi8_mask(xv);
      } else {
        xu[j] = _mm512_xor_si512(xv, top);  // past a last group w loads as 0: adds nothing
      }
      xs[j] = group_scales(xsc[j] + k / GROUP, both);
    }
    for (int i = 0; i < R; i++) {
      __m512i wv = _mm512_maskz_loadu_epi8(m, wr[i] + k);
      __m512 ws = group_scales(wsr[i] + k / GROUP, both);
      __m512i start = zero;
      if (C > 1) start = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, top, wv));
      for (int j = 0; j < C; j++) {
        __m512i sums;
        if (C == 1) {
          sums = _mm512_dpbusd_epi32(zero, xu[j], _mm512_mask_sub_epi8(wv, xneg[j], zero, wv));
        } else {
          sums = _mm512_dpbusd_epi32(start, xu[j], wv);
        }
        acc[i][j] =
            _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_mul_ps(ws, xs[j]), acc[i][j]);
      }
    }
  }
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j++)
      store(y, (int64_t)(c0 + j) * out + r0 + i * stride, add, acc[i][j]);
}

// ---- Row loops -----------------------------------------------------------------------------------

// Each tile shape compiled on its own, so the accumulators live in registers.
#define BF16_TILE(R, C)                                                                   \
  KERNEL static void bf16_##R##x##C(const uint16_t* w, int in, const uint16_t* x, float* y, \
                                    int out, int add, int r0, int stride, int c0) {       \
    bf16_tile(w, in, x, y, out, add, r0, stride, c0, R, C);                               \
  }
#define Q8_TILE(R, C)                                                                         \
  KERNEL static void q8_##R##x##C(const int8_t* w, const float* ws, int in, const int8_t* x,    \
                                  const float* xs, float* y, int out, int add, int r0,         \
                                  int stride, int c0) {                                        \
    q8_tile(w, ws, in, x, xs, y, out, add, r0, stride, c0, R, C);                              \
  }
#define SHAPES(T)                                                                  \
  T(1, 1) T(2, 1) T(3, 1) T(4, 1) T(5, 1) T(6, 1) T(7, 1) T(8, 1) T(1, 2) T(2, 2) \
  T(3, 2) T(4, 2) T(1, 3) T(2, 3) T(3, 3) T(4, 3) T(1, 4) T(2, 4) T(3, 4) T(4, 4)
SHAPES(BF16_TILE)
SHAPES(Q8_TILE)

typedef void (*bf16_fn)(const uint16_t*, int, const uint16_t*, float*, int, int, int, int, int);
typedef void (*q8_fn)(const int8_t*, const float*, int, const int8_t*, const float*, float*, int,
                      int, int, int, int);

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

// How the rows of [from, to) are visited. A narrow product (one to four columns, streaming the
// weights from memory) reads its rows from far apart in the range (eighths of it for one column,
// quarters for more), so each accumulator streams one long run of memory; a wide one takes tiles of
// four neighbouring rows, read from cache once per group of four columns.
#define ROW_LOOP(ONE, WIDE_TILES, CALL, column_bytes)                                     \
  int chunk = chunk_columns(column_bytes, cols);                                         \
  for (int c_start = 0; c_start < cols; c_start += chunk) {                              \
    int c_end = min_int(cols, c_start + chunk), width = c_end - c_start;                 \
    int parts = width == 1 ? MAX_ROWS : 4, far = 0;                                      \
    if (width <= MAX_COLS) {                                                             \
      far = (to - from) / parts;                                                         \
      for (int t = 0; t < far; t++) {                                                    \
        int r0 = from + t, stride = far, c0 = c_start;                                   \
        CALL(width == 1 ? ONE[MAX_ROWS - 1] : WIDE_TILES[3][width - 1]);                 \
      }                                                                                  \
    }                                                                                    \
    int rest = from + far * parts;                                                       \
    if (width == 1 && rest < to) {                                                       \
      int r0 = rest, stride = 1, c0 = c_start;                                           \
      CALL(ONE[to - rest - 1]);                                                          \
      continue;                                                                          \
    }                                                                                    \
    for (int r0 = rest; r0 < to; r0 += 4) {                                              \
      int rows = min_int(4, to - r0), stride = 1;                                        \
      for (int c0 = c_start; c0 < c_end; c0 += MAX_COLS) {                               \
        CALL(WIDE_TILES[rows - 1][min_int(MAX_COLS, c_end - c0) - 1]);                   \
      }                                                                                  \
    }                                                                                    \
  }

void qk_bf16_rows(const uint16_t* w, int in, const uint16_t* x, int cols, float* y, int out,
                  int add, int from, int to) {
#define CALL_BF16(fn) (fn)(w, in, x, y, out, add, r0, stride, c0)
  ROW_LOOP(BF16_ONE, BF16_WIDE, CALL_BF16, (int64_t)in * 2)
}

void qk_q8_rows(const int8_t* w, const float* wscales, int in, const int8_t* x,
                const float* xscales, int cols, float* y, int out, int add, int from, int to) {
#define CALL_Q8(fn) (fn)(w, wscales, in, x, xscales, y, out, add, r0, stride, c0)
  ROW_LOOP(Q8_ONE, Q8_WIDE, CALL_Q8, (int64_t)in + in / GROUP * 4)
}
