@R.function
def f(x: R.Tensor((2, 3), "float32")):
    y = R.frob(x)
    return y
# expected-error@3:11 BRG3005 verbs=convert,run,check {{R.frob}}
