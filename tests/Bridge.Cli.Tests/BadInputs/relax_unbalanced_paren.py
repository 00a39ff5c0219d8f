@R.function
def f(x: R.Tensor((2, 3), "float32"):
    return x
# expected-error@2:37 BRG3003 verbs=convert,run,check {{expected ')'}}
