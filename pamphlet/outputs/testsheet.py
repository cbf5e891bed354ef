"""stub"""
def write_test_sheet(*a): pass
