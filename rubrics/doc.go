// Package rubrics holds the course's rubrics (YAML files in this folder). Its test loads
// each one, proves that the reference solution scores full marks on it, and that every
// registered misconception of every checked function loses points and is named in the
// feedback — what `optgrade rubric lint` reports.
package rubrics
