from odps.udf import annotate

@annotate('bigint->bigint')
class AddOne(object):
    def evaluate(self, x):
        return None if x is None else x + 1
