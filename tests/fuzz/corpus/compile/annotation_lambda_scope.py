def f(a: (lambda: 1)): pass
def g() -> [i for i in y]: pass
