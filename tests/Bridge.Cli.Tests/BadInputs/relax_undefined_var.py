@R.function
def f(x: R.Tensor((2, 3), "float32")):
    y = R.exp(q)
    return y
# expected-error@3:15 BRG3004 verbs=convert,run,check {{undefined name 'q'}}
