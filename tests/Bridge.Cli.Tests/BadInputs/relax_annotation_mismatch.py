@R.function
def f(x: R.Tensor((2, 3), "float32")):
    y: R.Tensor((3, 3), "float32") = R.exp(x)
    return y
# expected-error@3:5 BRG3011 verbs=convert,run,check {{incompatible with the inferred struct info}}
