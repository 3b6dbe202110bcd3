// einsum as views, sums and bmm: each operand's labels are resolved (ellipsis expanded,
// repeated labels turned into diagonals, labels used nowhere else summed away), then
// operands are contracted pairwise: both permuted to [batch, free, contracted] layouts,
// flattened to 3-D and multiplied with bmm. Everything is differentiable through those ops.
#include "deepseek/ops/einsum.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "deepseek/ops/diagonal.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

namespace {

constexpr int kLetters = 52;  // a-z then A-Z; ellipsis dims get ids from kLetters up
using Labels = std::vector<int>;

int letter_id(char c) { return std::islower(c) ? c - 'a' : 26 + (c - 'A'); }

// One side of "->" split into terms; "..." becomes -1 in the label list.
std::vector<Labels> parse_terms(const std::string& side, const std::string& equation) {
  std::vector<Labels> terms(1);
  for (size_t i = 0; i < side.size(); ++i) {
    const char c = side[i];
    if (c == ',') {
      terms.emplace_back();
    } else if (c == '.') {
      DS_CHECK(side.compare(i, 3, "...") == 0, ValueError,
               "einsum(): found '.' for operand {} that is not part of any ellipsis in the "
               "equation \"{}\"",
               terms.size() - 1, equation);
      DS_CHECK(std::count(terms.back().begin(), terms.back().end(), -1) == 0, ValueError,
               "einsum(): found more than one ellipsis in operand {} of \"{}\"", terms.size() - 1,
               equation);
      terms.back().push_back(-1);
      i += 2;
    } else {
      DS_CHECK(std::isalpha(static_cast<unsigned char>(c)), ValueError,
               "einsum(): invalid subscript given at index {} in the equation string, subscripts "
               "must be in [a-zA-Z] (equation \"{}\")",
               i, equation);
      terms.back().push_back(letter_id(c));
    }
  }
  return terms;
}

// Replaces -1 by ellipsis ids: an operand with e ellipsis dims takes the last e of `total`
// (they broadcast right-aligned, as numpy's).
Labels expand_ellipsis(const Labels& term, int64_t ellipsis_dims, int64_t total) {
  Labels out;
  for (int l : term) {
    if (l != -1) {
      out.push_back(l);
      continue;
    }
    for (int64_t e = total - ellipsis_dims; e < total; ++e) out.push_back(kLetters + e);
  }
  return out;
}

struct Operand {
  Tensor t;
  Labels labels;  // one per dim, no repeats
};

// Diagonal for every label that appears twice in one operand.
Operand take_diagonals(Tensor t, Labels labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = i + 1; j < labels.size();) {
      if (labels[j] != labels[i]) {
        ++j;
        continue;
      }
      DS_CHECK(t.size(i) == t.size(j), RuntimeError,
               "einsum(): subscript {} is repeated for operand but the sizes don't match, {} != "
               "{}",
               static_cast<char>(labels[i] < 26 ? 'a' + labels[i] : 'A' + labels[i] - 26),
               t.size(i), t.size(j));
      // diagonal() drops both dims and appends the diagonal last: move it back to i.
      t = movedim(diagonal(t, 0, static_cast<int64_t>(i), static_cast<int64_t>(j)), -1,
                  static_cast<int64_t>(i));
      labels.erase(labels.begin() + j);
    }
  }
  return {t, labels};
}

bool contains(const Labels& ls, int l) { return std::find(ls.begin(), ls.end(), l) != ls.end(); }

// Sums away the labels of `op` that `keep` does not contain.
void sum_unneeded(Operand& op, const Labels& keep) {
  Dims dims;
  Labels kept;
  for (size_t d = 0; d < op.labels.size(); ++d) {
    if (contains(keep, op.labels[d])) {
      kept.push_back(op.labels[d]);
    } else {
      dims.push_back(static_cast<int64_t>(d));
    }
  }
  if (dims.empty()) return;
  op.t = sum(op.t, dims);
  op.labels = kept;
}

int64_t size_of(const Operand& op, int l) {
  auto it = std::find(op.labels.begin(), op.labels.end(), l);
  return it == op.labels.end() ? 1 : op.t.size(it - op.labels.begin());
}

// The labels' dims of op in the given order, flattened to [prod(group sizes)...].
Tensor arrange(const Operand& op, const std::vector<Labels>& groups, const Shape& target) {
  std::vector<int64_t> order;
  for (const Labels& g : groups) {
    for (int l : g)
      order.push_back(std::find(op.labels.begin(), op.labels.end(), l) - op.labels.begin());
  }
  return reshape(permute(op.t, order), target);
}

int64_t product(const Operand& a, const Operand& b, const Labels& ls, bool use_b) {
  int64_t n = 1;
  for (int l : ls) n *= use_b ? size_of(b, l) : size_of(a, l);
  return n;
}

// a * b summed over the labels shared by both and needed by nothing in `later`.
Operand contract(Operand a, Operand b, const Labels& later) {
  // Labels present in only one operand that nothing later needs are summed first.
  Labels keep_a = later, keep_b = later;
  keep_a.insert(keep_a.end(), b.labels.begin(), b.labels.end());
  keep_b.insert(keep_b.end(), a.labels.begin(), a.labels.end());
  sum_unneeded(a, keep_a);
  sum_unneeded(b, keep_b);
  Labels batch, summed, only_a, only_b;
  for (int l : a.labels) {
    if (!contains(b.labels, l)) {
      only_a.push_back(l);
    } else {
      (contains(later, l) ? batch : summed).push_back(l);
    }
  }
  for (int l : b.labels) {
    if (!contains(a.labels, l)) only_b.push_back(l);
  }
  // Shared labels broadcast where one side has size 1.
  Shape batch_shape;
  for (int l : batch) {
    const int64_t sa = size_of(a, l), sb = size_of(b, l);
    DS_CHECK(sa == sb || sa == 1 || sb == 1, RuntimeError,
             "einsum(): operands do not broadcast with remapped shapes (size {} vs {})", sa, sb);
    batch_shape.push_back(std::max(sa, sb));
  }
  for (int l : summed) {
    const int64_t sa = size_of(a, l), sb = size_of(b, l);
    DS_CHECK(sa == sb || sa == 1 || sb == 1, RuntimeError,
             "einsum(): operands do not broadcast with remapped shapes (size {} vs {})", sa, sb);
    // A size-1 side of a summed label: sum the other side over it first.
    Operand& wide = sa == 1 ? b : a;
    if (sa != sb) {
      const int64_t d = std::find(wide.labels.begin(), wide.labels.end(), l) - wide.labels.begin();
      wide.t = sum(wide.t, {d}, true);
    }
  }
  auto expand_batch = [&](Operand& op) {
    Shape s = op.t.sizes();
    for (size_t i = 0; i < batch.size(); ++i) {
      s[std::find(op.labels.begin(), op.labels.end(), batch[i]) - op.labels.begin()] =
          batch_shape[i];
    }
    op.t = expand(op.t, s);
  };
  expand_batch(a);
  expand_batch(b);
  const int64_t nb = shape_numel(batch_shape), m = product(a, b, only_a, false),
                k = product(a, b, summed, false), n = product(a, b, only_b, true);
  Tensor lhs = arrange(a, {batch, only_a, summed}, {nb, m, k});
  Tensor rhs = arrange(b, {batch, summed, only_b}, {nb, k, n});
  Shape out_shape = batch_shape;
  Operand out;
  out.labels = batch;
  for (int l : only_a) {
    out_shape.push_back(size_of(a, l));
    out.labels.push_back(l);
  }
  for (int l : only_b) {
    out_shape.push_back(size_of(b, l));
    out.labels.push_back(l);
  }
  out.t = reshape(bmm(lhs, rhs), out_shape);
  return out;
}

}  // namespace

Tensor einsum(const std::string& equation_in, const TensorList& operands) {
  std::string equation;
  for (char c : equation_in) {
    if (!std::isspace(static_cast<unsigned char>(c))) equation.push_back(c);
  }
  const size_t arrow = equation.find("->");
  const std::string lhs = equation.substr(0, arrow);
  std::vector<Labels> terms = parse_terms(lhs, equation);
  DS_CHECK(terms.size() == operands.size(), ValueError,
           "einsum(): more operands were provided than specified in the equation (equation "
           "\"{}\" has {} operand(s), got {})",
           equation, terms.size(), operands.size());
  // Resolve each operand's ellipsis.
  int64_t ellipsis_total = 0;
  std::vector<int64_t> ellipsis_dims(terms.size(), 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    const int64_t named =
        static_cast<int64_t>(terms[i].size() - std::count(terms[i].begin(), terms[i].end(), -1));
    const bool has_ellipsis = named != static_cast<int64_t>(terms[i].size());
    const int64_t ndim = operands[i].dim();
    DS_CHECK(has_ellipsis ? ndim >= named : ndim == named, RuntimeError,
             "einsum(): the number of subscripts in the equation ({}) does not match the number "
             "of dimensions ({}) for operand {}{}",
             named, ndim, i, has_ellipsis ? "" : " and no ellipsis was given");
    ellipsis_dims[i] = has_ellipsis ? ndim - named : 0;
    ellipsis_total = std::max(ellipsis_total, ellipsis_dims[i]);
  }
  std::vector<Operand> ops;
  std::vector<int> count(kLetters + ellipsis_total, 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    // Counted before diagonals are taken: "ii" alone is a trace, not a diagonal.
    Labels labels = expand_ellipsis(terms[i], ellipsis_dims[i], ellipsis_total);
    for (int l : labels) ++count[l];
    ops.push_back(take_diagonals(operands[i], labels));
  }
  // The output's labels: given, or the ellipsis then the letters seen once, sorted.
  Labels output;
  if (arrow != std::string::npos) {
    std::vector<Labels> out_terms = parse_terms(equation.substr(arrow + 2), equation);
    DS_CHECK(out_terms.size() == 1, ValueError,
             "einsum(): the output subscripts of \"{}\" hold a comma", equation);
    output = expand_ellipsis(out_terms[0], ellipsis_total, ellipsis_total);
    for (size_t i = 0; i < output.size(); ++i) {
      DS_CHECK(output[i] >= kLetters || count[output[i]] > 0, ValueError,
               "einsum(): output subscript {} does not appear in the equation for any input "
               "operand",
               static_cast<char>(output[i] < 26 ? 'a' + output[i] : 'A' + output[i] - 26));
      DS_CHECK(std::count(output.begin(), output.end(), output[i]) == 1, ValueError,
               "einsum(): output subscript appears more than once in the output of \"{}\"",
               equation);
    }
  } else {
    for (int64_t e = 0; e < ellipsis_total; ++e) output.push_back(kLetters + e);
    for (int l = 0; l < kLetters; ++l) {
      if (count[l] == 1) output.push_back(l);
    }
  }
  // Contract left to right; `later` = labels the output and the remaining operands need.
  Operand acc = ops[0];
  for (size_t i = 1; i < ops.size(); ++i) {
    Labels later = output;
    for (size_t j = i + 1; j < ops.size(); ++j) {
      later.insert(later.end(), ops[j].labels.begin(), ops[j].labels.end());
    }
    acc = contract(acc, ops[i], later);
  }
  sum_unneeded(acc, output);
  // Ellipsis dims no operand had (only possible with zero-dim ellipses) are size 1.
  std::vector<int64_t> order;
  Shape final_shape;
  for (int l : output) {
    auto it = std::find(acc.labels.begin(), acc.labels.end(), l);
    final_shape.push_back(it == acc.labels.end() ? 1 : acc.t.size(it - acc.labels.begin()));
    if (it != acc.labels.end()) order.push_back(it - acc.labels.begin());
  }
  return reshape(permute(acc.t, order), final_shape);
}

}  // namespace deepseek
