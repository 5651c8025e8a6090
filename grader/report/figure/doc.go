// Package figure draws optimization pictures with gonum/plot: the lecture's figures that
// the reference can compute (the learning-rate diagnostics α = 0.01 / 0.48 / 0.51 on
// L = 0.1·w₁² + 2·w₂², momentum and Adam against plain gradient descent, learning-rate
// schedules), and the curves of a report (a student's series beside the reference's).
//
// Every number a figure draws comes from the reference package (its quadratic, optimizers,
// schedules and training loop); this package only lays the numbers out. A Figure holds its
// data, so tests can check what is drawn, and renders to SVG, PNG or PDF (Figure.Render).
// Rendering is deterministic and needs no system fonts: gonum/plot embeds Liberation.
package figure
