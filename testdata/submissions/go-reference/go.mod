module solution

go 1.26

require github.com/optgrade/optgrade/submissions/kit/go v1.0.0

replace github.com/optgrade/optgrade/submissions/kit/go => ./optgradekit
